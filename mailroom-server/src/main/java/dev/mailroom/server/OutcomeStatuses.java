package dev.mailroom.server;

import dev.mailroom.contracts.MessageStatus;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The statuses whose emails {@code message_outcomes} (V25) lists: off the main path, so that few of an organization's
 * emails are at one of them, and a message list filtered by one would otherwise walk the organization's emails far
 * for each page. The operator writes the table; the API reads it. V25's backfill names the same statuses in SQL.
 */
public final class OutcomeStatuses {
    private static final Set<MessageStatus> KEPT = EnumSet.of(
            MessageStatus.SCHEDULED,
            MessageStatus.UNSUBSCRIBED,
            MessageStatus.COMPLAINED,
            MessageStatus.BOUNCED,
            MessageStatus.DROPPED,
            MessageStatus.FAILED,
            MessageStatus.SUPPRESSED,
            MessageStatus.CANCELED);
    /** Their names, once: the operator asks of every status change, as the messages table spells it. */
    private static final List<String> NAMES = KEPT.stream().map(Enum::name).toList();

    private OutcomeStatuses() {}

    public static boolean kept(MessageStatus status) {
        return KEPT.contains(status);
    }

    public static boolean kept(String status) {
        return NAMES.contains(status);
    }

    /** Their names, for SQL's {@code status IN (...)}. */
    public static List<String> names() {
        return NAMES;
    }
}
