package dev.mailroom.server.providers.resend;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.providers.WebhookRejectedException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Turns one verified Resend event ({@code {"type", "created_at", "data"}}) into an activity.
 *
 * <p>Every {@code email.*} type Resend documents for sent email has a status:
 * <ul>
 * <li>{@code email.sent} → DISPATCHED (Resend took it and will deliver),
 *     {@code email.delivered} → DELIVERED, {@code email.delivery_delayed} → DEFERRED,
 *     {@code email.complained} → COMPLAINED, {@code email.opened} → OPENED,
 *     {@code email.clicked} → CLICKED (url, user agent, IP address, click time),
 *     {@code email.failed} → FAILED (Resend's reason), {@code email.suppressed} → DROPPED
 *     (suppression type and message).</li>
 * <li>{@code email.bounced} → BOUNCED with {@code bounceType} {@code hard} for Resend's
 *     {@code Permanent} (and when no type is given: Resend documents the event as a permanent
 *     rejection), {@code soft} for {@code Transient} and {@code Undetermined}; the raw type,
 *     sub-type and message are kept.</li>
 * <li>{@code email.scheduled} → SCHEDULED. Mailroom never asks Resend to schedule (the operator
 *     owns time), so this comes only for emails scheduled at Resend by other means; it is kept on
 *     the timeline and, ranking below every dispatch status, never moves a status.</li>
 * </ul>
 * Events about other things ({@code email.received} for inbound mail, {@code contact.*},
 * {@code domain.*}) and types Mailroom does not know yet are answered 2xx without an activity:
 * they are about no email we sent, and refusing them would only make Resend retry them for
 * hours and then disable the endpoint. Unknown types are logged by the receiver.
 *
 * <p>Correlation: our id from the {@code mailroom_id} tag, which Resend reports as an array of
 * {@code {name, value}} or as an object of name → value (both are seen); and always Resend's
 * {@code data.email_id}, the id the sender recorded, for the operator to match by.
 *
 * <p>Recipient: Resend sends one event per email, and {@code data.to} is the email's whole to
 * list. With one address the event is about that recipient; with several it is recorded for the
 * message as a whole (recipient null, the addresses in {@code details.recipients}) rather than
 * pinned on the first, who may not be the one who opened or bounced.
 */
final class ResendEvents {
    static final String PROVIDER = ResendProvider.NAME;
    private static final Map<String, MessageStatus> STATUSES = Map.ofEntries(
            Map.entry("email.sent", MessageStatus.DISPATCHED),
            Map.entry("email.scheduled", MessageStatus.SCHEDULED),
            Map.entry("email.delivered", MessageStatus.DELIVERED),
            Map.entry("email.delivery_delayed", MessageStatus.DEFERRED),
            Map.entry("email.bounced", MessageStatus.BOUNCED),
            Map.entry("email.complained", MessageStatus.COMPLAINED),
            Map.entry("email.opened", MessageStatus.OPENED),
            Map.entry("email.clicked", MessageStatus.CLICKED),
            Map.entry("email.failed", MessageStatus.FAILED),
            Map.entry("email.suppressed", MessageStatus.DROPPED));
    /** The address inside {@code Name <address>}. */
    private static final Pattern ANGLE_ADDRESS = Pattern.compile("<([^<>]+)>\\s*$");

    private ResendEvents() {}

    /** Whether the type is one Resend documents but that concerns no email we sent. */
    static boolean isAboutSomethingElse(String type) {
        return type.equals("email.received") || type.startsWith("contact.") || type.startsWith("domain.");
    }

    static boolean isKnown(String type) {
        return STATUSES.containsKey(type) || isAboutSomethingElse(type);
    }

    /**
     * @param eventId the Svix message id: the same for every retry of this event
     * @return the activity, or empty for events that concern no email we sent
     * @throws WebhookRejectedException 400 when an email event has no {@code data} object
     */
    static Optional<ActivityReport> report(String eventId, JsonNode event, Instant now) {
        String type = text(event, "type");
        MessageStatus status = STATUSES.get(type);
        if (status == null) {
            return Optional.empty();
        }
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            throw WebhookRejectedException.malformed(type + " event without a data object");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        List<String> to = addresses(data.get("to"));
        if (to.size() > 1) {
            details.put("recipients", to);
        }
        switch (type) {
            case "email.bounced" -> bounce(data.get("bounce"), details);
            case "email.clicked" -> click(data.get("click"), details);
            case "email.failed" -> put(details, "reason", text(data.get("failed"), "reason"));
            case "email.suppressed" -> {
                put(details, "reason", text(data.get("suppressed"), "message"));
                put(details, "suppressionType", text(data.get("suppressed"), "type"));
                // Resend's account-level suppression list; the event does not say whether a bounce or a complaint
                // put the address there.
                details.put("suppression", "provider");
            }
            default -> {
                // The other events carry nothing beyond the common fields.
            }
        }
        String emailId = text(data, "email_id");
        return Optional.of(ActivityReport.event(
                Ids.providerEvent(PROVIDER, eventId),
                mailroomId(data.get("tags")),
                emailId == null || emailId.isBlank() ? null : emailId.trim(),
                PROVIDER,
                status,
                occurredAt(text(event, "created_at"), now),
                to.size() == 1 ? to.get(0) : null,
                type,
                details));
    }

    private static void bounce(JsonNode bounce, Map<String, Object> details) {
        String type = text(bounce, "type");
        details.put("bounceType", type == null || type.equalsIgnoreCase("Permanent") ? "hard" : "soft");
        put(details, "reason", text(bounce, "message"));
        put(details, "providerBounceType", type);
        put(details, "bounceSubType", text(bounce, "subType"));
    }

    private static void click(JsonNode click, Map<String, Object> details) {
        put(details, "url", text(click, "link"));
        put(details, "userAgent", text(click, "userAgent"));
        put(details, "ipAddress", text(click, "ipAddress"));
        put(details, "clickedAt", text(click, "timestamp"));
    }

    /**
     * Our id from the tags, in either shape Resend uses; null when absent or not one of ours (the
     * event is then matched by {@code email_id}, or kept unmatched).
     */
    static UUID mailroomId(JsonNode tags) {
        String value = null;
        if (tags != null && tags.isArray()) {
            for (JsonNode tag : tags) {
                if (ResendPayload.MAILROOM_ID_TAG.equals(text(tag, "name"))) {
                    value = text(tag, "value");
                }
            }
        } else if (tags != null && tags.isObject()) {
            value = text(tags, ResendPayload.MAILROOM_ID_TAG);
        }
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException notOurs) {
            return null;
        }
    }

    /** Bare addresses from {@code data.to}, which holds plain or {@code Name <address>} strings. */
    static List<String> addresses(JsonNode to) {
        List<String> addresses = new ArrayList<>();
        if (to != null && to.isArray()) {
            to.forEach(node -> addAddress(addresses, node));
        } else if (to != null) {
            addAddress(addresses, to);
        }
        return addresses;
    }

    private static void addAddress(List<String> addresses, JsonNode node) {
        if (node == null || !node.isString() || node.asString().isBlank()) {
            return;
        }
        String value = node.asString().trim();
        Matcher angle = ANGLE_ADDRESS.matcher(value);
        addresses.add(angle.find() ? angle.group(1).trim() : value);
    }

    /**
     * The envelope's {@code created_at}; Resend writes both {@code Z} and {@code +00:00} forms.
     * An unreadable time is no reason to lose a verified event: it is then the time of receipt.
     */
    static Instant occurredAt(String createdAt, Instant now) {
        if (createdAt == null) {
            return now;
        }
        try {
            return OffsetDateTime.parse(createdAt.trim()).toInstant();
        } catch (DateTimeParseException e) {
            return now;
        }
    }

    static String text(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode value = node.get(field);
        return value != null && value.isValueNode() && !value.isNull() ? value.asString() : null;
    }

    private static void put(Map<String, Object> details, String key, String value) {
        if (value != null && !value.isBlank()) {
            details.put(key, value);
        }
    }
}
