package dev.mailroom.contracts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The event types Mailroom sends to an organization's own webhook endpoints (issue 13): one per status a recipient
 * can reach ({@code email.delivered}, ...), the suppression list's changes, and the test event an admin sends.
 * An endpoint subscribes to a list of them, or to {@value #ALL_TYPES} for every one.
 */
public final class NotificationTypes {
    public static final String SUPPRESSION_CREATED = "suppression.created";
    public static final String SUPPRESSION_DELETED = "suppression.deleted";
    public static final String WEBHOOK_TEST = "webhook.test";
    /** What an endpoint lists to receive every type, those added later included. */
    public static final String ALL_TYPES = "*";

    private static final List<String> ALL = all();

    private NotificationTypes() {}

    /** {@code email.<status in lower case>}: the type of a recipient reaching {@code status}. */
    public static String of(MessageStatus status) {
        if (status == MessageStatus.SUBMITTED) {
            throw new IllegalArgumentException("SUBMITTED is never recorded, so never notified");
        }
        return "email." + status.name().toLowerCase(Locale.ROOT);
    }

    /** Every type, in a stable order. */
    public static List<String> all() {
        if (ALL != null) {
            return ALL;
        }
        List<String> types = new ArrayList<>();
        for (MessageStatus s : MessageStatus.values()) {
            if (s != MessageStatus.SUBMITTED) {
                types.add(of(s));
            }
        }
        types.add(SUPPRESSION_CREATED);
        types.add(SUPPRESSION_DELETED);
        types.add(WEBHOOK_TEST);
        return Collections.unmodifiableList(types);
    }

    public static boolean isKnown(String type) {
        return ALL_TYPES.equals(type) || all().contains(type);
    }
}
