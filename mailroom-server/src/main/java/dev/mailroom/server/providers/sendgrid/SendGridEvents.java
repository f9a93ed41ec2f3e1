package dev.mailroom.server.providers.sendgrid;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns the body of a SendGrid Event Webhook call (a JSON array of events, often many messages
 * and recipients in one call) into activity reports.
 *
 * <table>
 * <caption>SendGrid event → Mailroom status (details)</caption>
 * <tr><td>processed</td><td>DISPATCHED (SendGrid confirms it took the message)</td></tr>
 * <tr><td>dropped</td><td>DROPPED (reason, status)</td></tr>
 * <tr><td>delivered</td><td>DELIVERED (smtpResponse)</td></tr>
 * <tr><td>deferred</td><td>DEFERRED (reason = the receiving server's response, deliveryAttempt)</td></tr>
 * <tr><td>bounce</td><td>BOUNCED: type {@code bounce} is hard, type {@code blocked} soft (bounceType, reason, status, classification)</td></tr>
 * <tr><td>open</td><td>OPENED (userAgent, machineOpen when SendGrid says)</td></tr>
 * <tr><td>click</td><td>CLICKED (url, userAgent)</td></tr>
 * <tr><td>spamreport</td><td>COMPLAINED</td></tr>
 * <tr><td>unsubscribe, group_unsubscribe</td><td>UNSUBSCRIBED (asmGroupId)</td></tr>
 * </table>
 *
 * <p><b>group_resubscribe is acknowledged and not recorded.</b> Mailroom's statuses say what
 * happened to an email, and none of them means "subscribed again": recording it under any
 * existing status (UNSUBSCRIBED, say) would put a false statement on the timeline, and by the
 * precedence rule it could not undo UNSUBSCRIBED anyway. Whether a recipient may be mailed is
 * SendGrid's suppression groups' business, which the resubscribe has already updated. Event
 * types SendGrid adds later (and account-level events such as {@code account_status_change})
 * are skipped the same way, logged, so that one unfamiliar event does not make SendGrid retry a
 * whole batch of good ones.
 *
 * <p>Correlation: our id comes back as the top-level {@code mailroom_id} (SendGrid copies
 * {@code custom_args} into every event); the provider's id is {@code sg_message_id} cut at its
 * first dot (see {@link SendGridMessageIds}), so events without {@code mailroom_id} still match
 * the id recorded at dispatch. Deduplication: {@code sg_event_id}.
 */
final class SendGridEvents {
    static final String PROVIDER = SendGridProvider.NAME;
    private static final Logger log = LoggerFactory.getLogger(SendGridEvents.class);
    private static final Map<String, MessageStatus> STATUSES = Map.of(
            "processed", MessageStatus.DISPATCHED,
            "dropped", MessageStatus.DROPPED,
            "delivered", MessageStatus.DELIVERED,
            "deferred", MessageStatus.DEFERRED,
            "bounce", MessageStatus.BOUNCED,
            "open", MessageStatus.OPENED,
            "click", MessageStatus.CLICKED,
            "spamreport", MessageStatus.COMPLAINED,
            "unsubscribe", MessageStatus.UNSUBSCRIBED,
            "group_unsubscribe", MessageStatus.UNSUBSCRIBED);
    /** Known events that deliberately leave no activity (see the class comment). */
    static final Set<String> NOT_RECORDED = Set.of("group_resubscribe");
    /** 9999-12-31: beyond it a timestamp is garbage, and no database column would take it. */
    private static final long MAX_EPOCH_SECOND = 253402300799L;

    private SendGridEvents() {}

    /**
     * @param receivedAt used as the time of an event that carries no readable {@code timestamp}
     * @throws IllegalArgumentException when the body is not an array of events (the caller answers 400)
     */
    static List<ActivityReport> parse(byte[] body, Instant receivedAt) {
        JsonNode root;
        try {
            root = ContractJson.mapper().readTree(body);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("body must be a JSON array of SendGrid events");
        }
        List<ActivityReport> reports = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode event = root.get(i);
            String type = event.isObject() ? text(event, "event") : null;
            if (type == null) {
                throw new IllegalArgumentException("event [" + i + "] must be an object with an \"event\" name");
            }
            MessageStatus status = STATUSES.get(type);
            if (status == null) {
                log.info(
                        "SendGrid event '{}' (sg_event_id {}, mailroom_id {}) is not recorded: {}",
                        type,
                        text(event, "sg_event_id"),
                        text(event, "mailroom_id"),
                        NOT_RECORDED.contains(type) ? "no Mailroom status means it" : "unknown event type");
                continue;
            }
            reports.add(report(event, type, status, receivedAt));
        }
        return reports;
    }

    private static ActivityReport report(JsonNode event, String type, MessageStatus status, Instant receivedAt) {
        String providerMessageId = SendGridMessageIds.normalise(text(event, "sg_message_id"));
        if (providerMessageId == null) {
            providerMessageId = SendGridMessageIds.fromSmtpId(text(event, "smtp-id"));
        }
        Long timestamp = number(event, "timestamp");
        Instant occurredAt = timestamp == null || timestamp < 0 || timestamp > MAX_EPOCH_SECOND
                ? receivedAt
                : Instant.ofEpochSecond(timestamp);
        return ActivityReport.event(
                Ids.providerEvent(PROVIDER, eventId(event)),
                mailroomId(event),
                providerMessageId,
                PROVIDER,
                status,
                occurredAt,
                text(event, "email"),
                type,
                details(event, type));
    }

    /**
     * Why SendGrid dropped an email because of one of its own suppression lists (its bounces, unsubscribes, spam
     * reports and invalid emails), in Mailroom's words; null for the other reasons of a drop (content, quota,
     * headers), which say nothing about the address.
     */
    static String suppression(String droppedReason) {
        if (droppedReason == null) {
            return null;
        }
        return switch (droppedReason.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "bounced address" -> "hard-bounce";
            case "unsubscribed address" -> "unsubscribe";
            case "spam reporting address" -> "complaint";
            case "invalid" -> "provider";
            default -> null;
        };
    }

    private static Map<String, Object> details(JsonNode event, String type) {
        Map<String, Object> details = new LinkedHashMap<>();
        switch (type) {
            case "dropped" -> {
                put(details, "reason", text(event, "reason"));
                put(details, "status", text(event, "status"));
                put(details, "suppression", suppression(text(event, "reason")));
            }
            case "delivered" -> put(details, "smtpResponse", text(event, "response"));
            case "deferred" -> {
                put(details, "reason", text(event, "response"));
                // SendGrid's own delivery attempts to the receiving server, not our dispatch attempts.
                put(details, "deliveryAttempt", number(event, "attempt"));
            }
            case "bounce" -> {
                // "blocked": the receiving server refused this time (reputation, content, rate);
                // "bounce": it refused the address for good.
                put(details, "bounceType", "blocked".equals(text(event, "type")) ? "soft" : "hard");
                put(details, "reason", text(event, "reason"));
                put(details, "status", text(event, "status"));
                put(details, "classification", text(event, "bounce_classification"));
            }
            case "open" -> {
                put(details, "userAgent", text(event, "useragent"));
                JsonNode machine = event.get("sg_machine_open");
                if (machine != null && machine.isBoolean()) {
                    details.put("machineOpen", machine.booleanValue());
                }
            }
            case "click" -> {
                put(details, "url", text(event, "url"));
                put(details, "userAgent", text(event, "useragent"));
            }
            case "group_unsubscribe" -> put(details, "asmGroupId", number(event, "asm_group_id"));
            default -> {}
        }
        return details;
    }

    /**
     * SendGrid's {@code sg_event_id}. SendGrid always sends one; should an event come without it,
     * a digest of the event's content stands in, which is as stable across SendGrid's retries of
     * the same batch, so the event is still recorded once.
     */
    private static String eventId(JsonNode event) {
        String id = text(event, "sg_event_id");
        if (id != null && !id.isBlank()) {
            return id;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(ContractJson.mapper().writeValueAsBytes(event));
            return "content-sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static UUID mailroomId(JsonNode event) {
        String id = text(event, "mailroom_id");
        try {
            return id == null ? null : UUID.fromString(id.trim());
        } catch (IllegalArgumentException e) {
            // Not ours: kept and matched by sg_message_id if possible, like any unmatched event.
            return null;
        }
    }

    /** A scalar field as text (SendGrid sends some numbers as strings and some strings as numbers); null otherwise. */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asString();
    }

    /** A whole number given as a JSON number or a numeric string; null when absent or unreadable. */
    private static Long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        double d;
        if (value.isNumber()) {
            d = value.doubleValue();
        } else if (value.isString()) {
            try {
                d = Double.parseDouble(value.stringValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        return Double.isFinite(d) ? (long) d : null;
    }

    private static void put(Map<String, Object> details, String key, Object value) {
        if (value != null) {
            details.put(key, value);
        }
    }
}
