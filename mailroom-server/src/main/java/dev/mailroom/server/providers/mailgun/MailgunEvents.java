package dev.mailroom.server.providers.mailgun;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.providers.support.ProviderText;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Turns one Mailgun {@code event-data} object into an activity. Every event Mailgun documents is
 * mapped; Mailgun's own name is kept as {@code providerEvent}, useful fields go into
 * {@code details}:
 * <ul>
 * <li>accepted → DISPATCHED (queued by Mailgun), rejected → DROPPED (Mailgun would not take it);</li>
 * <li>delivered → DELIVERED, with the receiving server's SMTP code and message;</li>
 * <li>failed with severity temporary → DEFERRED (Mailgun retries); permanent → DROPPED when Mailgun
 * did not even try because the address is on a suppression list ({@code suppress-bounce},
 * {@code suppress-unsubscribe}, {@code suppress-complaint}), else BOUNCED: hard for reason
 * {@code bounce} (the address does not work, Mailgun lists it), soft for the others
 * ({@code old}: gave up retrying, {@code espblock}, {@code generic}, ...: this message failed,
 * the address may be fine);</li>
 * <li>opened, clicked (with the url), unsubscribed, complained → the statuses of the same name.</li>
 * </ul>
 * Events Mailgun adds later, or that are not about sending ({@code stored}, inbound), are kept,
 * not refused, as DISPATCHED: every message Mailgun reports on was dispatched already, so that
 * status never moves a message's status.
 */
final class MailgunEvents {
    static final String PROVIDER = MailgunProvider.NAME;
    static final MessageStatus INFORMATIONAL = MessageStatus.DISPATCHED;
    private static final String SUPPRESSED = "suppress-";

    private MailgunEvents() {}

    /**
     * @param data the {@code event-data} object (an object with an {@code event})
     * @param now  when the event is missing its own time
     */
    static ActivityReport read(JsonNode data, Instant now) {
        String event = text(data.get("event"));
        BigDecimal timestamp = decimal(data.get("timestamp"));
        String recipient = text(data.get("recipient"));
        String messageId = MailgunSender.normalizeMessageId(
                text(data.path("message").path("headers").get("message-id")));
        Map<String, Object> details = new LinkedHashMap<>();
        MessageStatus status;
        switch (event) {
            case "accepted":
                status = MessageStatus.DISPATCHED;
                put(details, "method", text(data.get("method")));
                break;
            case "rejected":
                status = MessageStatus.DROPPED;
                put(details, "reason", text(data.path("reject").get("reason")));
                put(details, "description", text(data.path("reject").get("description")));
                // Mailgun's rejected events may have no recipient: the To header still says who.
                put(details, "to", text(data.path("message").path("headers").get("to")));
                break;
            case "delivered":
                status = MessageStatus.DELIVERED;
                deliveryStatus(data, details);
                break;
            case "failed":
                status = failed(data, details);
                break;
            case "opened":
                status = MessageStatus.OPENED;
                engagement(data, details);
                break;
            case "clicked":
                status = MessageStatus.CLICKED;
                put(details, "url", text(data.get("url")));
                engagement(data, details);
                break;
            case "unsubscribed":
                status = MessageStatus.UNSUBSCRIBED;
                engagement(data, details);
                break;
            case "complained":
                status = MessageStatus.COMPLAINED;
                break;
            default:
                status = INFORMATIONAL;
                put(details, "unmapped", true);
                break;
        }
        List<String> tags = new ArrayList<>();
        data.path("tags").forEach(t -> {
            if (text(t) != null) {
                tags.add(text(t));
            }
        });
        if (!tags.isEmpty()) {
            details.put("tags", List.copyOf(tags));
        }
        return ActivityReport.event(
                Ids.providerEvent(PROVIDER, eventKey(data, event, messageId, recipient, timestamp)),
                mailroomId(data),
                messageId,
                PROVIDER,
                status,
                instantOr(timestamp, now),
                recipient,
                event,
                details);
    }

    /**
     * Mailgun's event id is the same in every retry of a webhook, but only "unique within a day",
     * so it is paired with the event's own timestamp (also the same in every retry). Without an
     * id, the event, message, recipient and time name it.
     */
    private static String eventKey(
            JsonNode data, String event, String messageId, String recipient, BigDecimal timestamp) {
        String time = timestamp == null ? "" : timestamp.stripTrailingZeros().toPlainString();
        String id = text(data.get("id"));
        if (id != null && !id.isBlank()) {
            return "id:" + id + "|" + time;
        }
        return String.join("|", "event:" + event, nullToEmpty(messageId), nullToEmpty(recipient), time);
    }

    private static MessageStatus failed(JsonNode data, Map<String, Object> details) {
        String severity = text(data.get("severity"));
        String reason = text(data.get("reason"));
        put(details, "severity", severity);
        put(details, "failureReason", reason);
        deliveryStatus(data, details);
        String said = firstNonBlank(
                text(data.path("delivery-status").get("message")),
                text(data.path("delivery-status").get("description")));
        put(details, "reason", said != null ? said : reason);
        if ("temporary".equals(severity)) {
            return MessageStatus.DEFERRED;
        }
        if (reason != null && reason.startsWith(SUPPRESSED)) {
            // bounce, unsubscribe or complaint: which list kept Mailgun from sending.
            put(details, "suppressed", reason.substring(SUPPRESSED.length()));
            put(details, "suppression", suppression(reason.substring(SUPPRESSED.length())));
            return MessageStatus.DROPPED;
        }
        details.put("bounceType", "bounce".equals(reason) ? "hard" : "soft");
        return MessageStatus.BOUNCED;
    }

    /** Mailgun's list (suppress-bounce, -unsubscribe, -complaint) in Mailroom's words; another is the provider's. */
    static String suppression(String list) {
        return switch (list) {
            case "bounce" -> "hard-bounce";
            case "unsubscribe" -> "unsubscribe";
            case "complaint" -> "complaint";
            default -> "provider";
        };
    }

    private static void deliveryStatus(JsonNode data, Map<String, Object> details) {
        JsonNode status = data.path("delivery-status");
        put(
                details,
                "smtpCode",
                status.path("code").isIntegralNumber() ? status.get("code").asInt() : text(status.get("code")));
        put(details, "smtpResponse", blankToNull(text(status.get("message"))));
        put(details, "description", blankToNull(text(status.get("description"))));
        put(details, "mxHost", text(status.get("mx-host")));
        put(
                details,
                "attempt",
                status.path("attempt-no").isIntegralNumber()
                        ? status.get("attempt-no").asInt()
                        : null);
        put(
                details,
                "retrySeconds",
                status.path("retry-seconds").isIntegralNumber()
                        ? status.get("retry-seconds").asLong()
                        : null);
        put(details, "tls", status.path("tls").isBoolean() ? status.get("tls").asBoolean() : null);
    }

    private static void engagement(JsonNode data, Map<String, Object> details) {
        JsonNode client = data.path("client-info");
        put(details, "userAgent", text(client.get("user-agent")));
        put(details, "clientName", text(client.get("client-name")));
        put(details, "clientType", text(client.get("client-type")));
        put(details, "clientOs", text(client.get("client-os")));
        put(details, "deviceType", text(client.get("device-type")));
        put(details, "ip", text(data.get("ip")));
        put(details, "country", text(data.path("geolocation").get("country")));
        put(details, "city", text(data.path("geolocation").get("city")));
    }

    /** Our id from {@code user-variables.mailroom_id}; null when absent or not ours (then the message id matches). */
    static UUID mailroomId(JsonNode data) {
        return ProviderText.mailroomIdOrNull(text(data.path("user-variables").get(MailgunSender.MAILROOM_ID)));
    }

    /** Unix seconds with a fraction ({@code 1534108637.153125}), as a number or a string. */
    static BigDecimal decimal(JsonNode node) {
        if (node == null) {
            return null;
        }
        try {
            if (node.isNumber()) {
                return node.decimalValue();
            }
            return node.isString() ? new BigDecimal(node.stringValue().strip()) : null;
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static Instant instantOr(BigDecimal seconds, Instant fallback) {
        try {
            return seconds == null ? fallback : instant(seconds);
        } catch (ArithmeticException | DateTimeException e) {
            return fallback;
        }
    }

    static Instant instant(BigDecimal seconds) {
        long whole = seconds.setScale(0, RoundingMode.FLOOR).longValueExact();
        long nanos = seconds.subtract(BigDecimal.valueOf(whole))
                .movePointRight(9)
                .setScale(0, RoundingMode.HALF_UP)
                .longValueExact();
        return Instant.ofEpochSecond(whole, nanos);
    }

    static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isString() || node.isNumber() || node.isBoolean() ? node.asString() : null;
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : (b != null && !b.isBlank() ? b : null);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Details are copied with Map.copyOf, which refuses nulls: absent fields are simply left out. */
    private static void put(Map<String, Object> details, String key, Object value) {
        if (value != null) {
            details.put(key, value);
        }
    }
}
