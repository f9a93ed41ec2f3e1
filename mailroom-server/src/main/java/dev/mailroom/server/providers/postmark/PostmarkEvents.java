package dev.mailroom.server.providers.postmark;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.providers.support.ProviderText;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * Turns one Postmark webhook record into an activity. Every {@code RecordType} Postmark documents
 * is mapped (Delivery, Bounce, SpamComplaint, Open, Click, SubscriptionChange); the Postmark
 * name is kept as {@code providerEvent} and the useful fields go into {@code details}.
 *
 * <p>A Bounce record is not always a bounce. Its {@code Type} decides (see {@link #BOUNCE_TYPES}):
 * hard bounces (the address does not work) and soft ones (this message failed, the address may
 * work) are BOUNCED with {@code bounceType} hard/soft; "message delayed" kinds are DEFERRED;
 * auto-replies prove the mailbox got the email and are DELIVERED; Postmark refusing to send
 * (deactivated, unconfirmed, template failure) is DROPPED.
 *
 * <p>Some records say nothing about the message's progress (an open-relay test, an inbound
 * error, an address reactivated on the suppression list, a record type Postmark adds later).
 * They are kept, never dropped, as DISPATCHED: every message Postmark reports
 * on was dispatched already, so this status never moves a message's status.
 */
final class PostmarkEvents {
    static final String PROVIDER = PostmarkProvider.NAME;
    static final MessageStatus INFORMATIONAL = MessageStatus.DISPATCHED;

    /** What a bounce {@code Type} means for the message; {@code bounceType} only for BOUNCED/DEFERRED. */
    record Meaning(MessageStatus status, String bounceType) {}

    /**
     * Postmark's bounce types (Bounce API "bounce types"; TypeCode in comments). Which are hard:
     * those after which Postmark deactivates the address, or where the address itself is wrong.
     */
    static final Map<String, Meaning> BOUNCE_TYPES = Map.ofEntries(
            Map.entry("HardBounce", new Meaning(MessageStatus.BOUNCED, "hard")), // 1
            Map.entry("Transient", new Meaning(MessageStatus.DEFERRED, "soft")), // 2 message delayed
            Map.entry("Unsubscribe", new Meaning(MessageStatus.UNSUBSCRIBED, null)), // 16 unsubscribe request
            Map.entry("Subscribe", new Meaning(MessageStatus.DELIVERED, null)), // 32 a reply: it arrived
            Map.entry("AutoResponder", new Meaning(MessageStatus.DELIVERED, null)), // 64 out of office: it arrived
            Map.entry("AddressChange", new Meaning(MessageStatus.DELIVERED, null)), // 128 a reply: it arrived
            Map.entry("DnsError", new Meaning(MessageStatus.DEFERRED, "soft")), // 256 temporary DNS error
            Map.entry("SpamNotification", new Meaning(MessageStatus.BOUNCED, "soft")), // 512 refused by a spam filter
            Map.entry("OpenRelayTest", new Meaning(INFORMATIONAL, null)), // 1024 not about this message
            Map.entry("Unknown", new Meaning(MessageStatus.BOUNCED, "soft")), // 2048 unclassified NDR
            Map.entry("SoftBounce", new Meaning(MessageStatus.BOUNCED, "soft")), // 4096 mailbox full, ...
            Map.entry("VirusNotification", new Meaning(MessageStatus.BOUNCED, "soft")), // 8192
            Map.entry("ChallengeVerification", new Meaning(MessageStatus.DEFERRED, null)), // 16384 held until verified
            Map.entry("BadEmailAddress", new Meaning(MessageStatus.BOUNCED, "hard")), // 100000
            Map.entry("SpamComplaint", new Meaning(MessageStatus.COMPLAINED, null)), // 100001
            Map.entry("ManuallyDeactivated", new Meaning(MessageStatus.DROPPED, null)), // 100002
            Map.entry("Unconfirmed", new Meaning(MessageStatus.DROPPED, null)), // 100003
            Map.entry("Blocked", new Meaning(MessageStatus.BOUNCED, "soft")), // 100006 ISP block
            Map.entry("SMTPApiError", new Meaning(MessageStatus.DROPPED, null)), // 100007
            Map.entry("InboundError", new Meaning(INFORMATIONAL, null)), // 100008 inbound only
            Map.entry("DMARCPolicy", new Meaning(MessageStatus.BOUNCED, "soft")), // 100009
            Map.entry("TemplateRenderingFailed", new Meaning(MessageStatus.DROPPED, null))); // 100010

    /** TypeCode to Type, for records whose Type is missing or spelled in a way we do not know. */
    static final Map<Integer, String> BOUNCE_TYPE_CODES = Map.ofEntries(
            Map.entry(1, "HardBounce"),
            Map.entry(2, "Transient"),
            Map.entry(16, "Unsubscribe"),
            Map.entry(32, "Subscribe"),
            Map.entry(64, "AutoResponder"),
            Map.entry(128, "AddressChange"),
            Map.entry(256, "DnsError"),
            Map.entry(512, "SpamNotification"),
            Map.entry(1024, "OpenRelayTest"),
            Map.entry(2048, "Unknown"),
            Map.entry(4096, "SoftBounce"),
            Map.entry(8192, "VirusNotification"),
            Map.entry(16384, "ChallengeVerification"),
            Map.entry(100000, "BadEmailAddress"),
            Map.entry(100001, "SpamComplaint"),
            Map.entry(100002, "ManuallyDeactivated"),
            Map.entry(100003, "Unconfirmed"),
            Map.entry(100006, "Blocked"),
            Map.entry(100007, "SMTPApiError"),
            Map.entry(100008, "InboundError"),
            Map.entry(100009, "DMARCPolicy"),
            Map.entry(100010, "TemplateRenderingFailed"));

    private PostmarkEvents() {}

    /**
     * @param record  one webhook body (a JSON object with a {@code RecordType})
     * @param traceId the {@code X-PM-Webhook-Trace-Id} header, stable across Postmark's retries; or null
     * @param now     when the record is missing its own time
     */
    static ActivityReport read(JsonNode record, String traceId, Instant now) {
        String recordType = text(record.get("RecordType"));
        String messageId = text(record.get("MessageID"));
        Map<String, Object> details = new LinkedHashMap<>();
        MessageStatus status;
        String recipient;
        String timestamp;
        switch (recordType) {
            case "Delivery":
                status = MessageStatus.DELIVERED;
                recipient = text(record.get("Recipient"));
                timestamp = text(record.get("DeliveredAt"));
                put(details, "smtpResponse", text(record.get("Details")));
                break;
            case "Bounce":
            case "SpamComplaint":
                recipient = text(record.get("Email"));
                timestamp = text(record.get("BouncedAt"));
                status = bounce(record, recordType, details);
                break;
            case "Open":
                status = MessageStatus.OPENED;
                recipient = text(record.get("Recipient"));
                timestamp = text(record.get("ReceivedAt"));
                put(details, "firstOpen", bool(record.get("FirstOpen")));
                put(
                        details,
                        "readSeconds",
                        record.path("ReadSeconds").isNumber()
                                ? record.get("ReadSeconds").asLong()
                                : null);
                engagement(record, details);
                break;
            case "Click":
                status = MessageStatus.CLICKED;
                recipient = text(record.get("Recipient"));
                timestamp = text(record.get("ReceivedAt"));
                put(details, "url", text(record.get("OriginalLink")));
                put(details, "clickLocation", text(record.get("ClickLocation")));
                engagement(record, details);
                break;
            case "SubscriptionChange":
                recipient = text(record.get("Recipient"));
                timestamp = text(record.get("ChangedAt"));
                status = subscriptionChange(record, details);
                break;
            default:
                // A record type Postmark added after this was written: kept, not refused (a 4xx
                // would make Postmark drop it for good), and visible by its name.
                status = INFORMATIONAL;
                recipient = firstText(record, "Recipient", "Email");
                timestamp = firstText(record, "ReceivedAt", "DeliveredAt", "BouncedAt", "ChangedAt");
                put(details, "unmapped", true);
                break;
        }
        put(details, "tag", text(record.get("Tag")));
        put(details, "messageStream", text(record.get("MessageStream")));

        String eventId = traceId != null && !traceId.isBlank()
                ? "trace:" + traceId.strip()
                : String.join(
                        "|",
                        recordType,
                        nullToEmpty(messageId),
                        nullToEmpty(recipient),
                        nullToEmpty(timestamp),
                        nullToEmpty(text(record.get("ID"))));
        return ActivityReport.event(
                Ids.providerEvent(PROVIDER, eventId),
                mailroomId(record),
                messageId,
                PROVIDER,
                status,
                instant(timestamp, now),
                recipient,
                recordType,
                details);
    }

    private static MessageStatus bounce(JsonNode record, String recordType, Map<String, Object> details) {
        String type = text(record.get("Type"));
        Integer typeCode = record.path("TypeCode").isIntegralNumber()
                ? record.get("TypeCode").asInt()
                : null;
        Meaning meaning;
        if (recordType.equals("SpamComplaint")) {
            meaning = new Meaning(MessageStatus.COMPLAINED, null);
        } else {
            meaning = type == null ? null : BOUNCE_TYPES.get(type);
            if (meaning == null && typeCode != null && BOUNCE_TYPE_CODES.containsKey(typeCode)) {
                meaning = BOUNCE_TYPES.get(BOUNCE_TYPE_CODES.get(typeCode));
            }
            if (meaning == null) {
                // A type Postmark added later: a Bounce record still reports a failed delivery.
                meaning = new Meaning(MessageStatus.BOUNCED, "soft");
            }
        }
        put(details, "bounceType", meaning.bounceType());
        String description = text(record.get("Description"));
        String smtp = text(record.get("Details"));
        put(details, "reason", smtp != null && !smtp.isBlank() ? smtp : description);
        put(details, "type", type);
        put(details, "typeCode", typeCode);
        put(details, "name", text(record.get("Name")));
        put(details, "description", description);
        put(details, "bounceId", text(record.get("ID")));
        put(details, "inactive", bool(record.get("Inactive")));
        put(details, "canActivate", bool(record.get("CanActivate")));
        if ("ManuallyDeactivated".equals(type) || "InactiveRecipient".equals(type)) {
            // Postmark keeps the address inactive (its suppression), without saying why.
            put(details, "suppression", "provider");
        }
        return meaning.status();
    }

    /**
     * An address added to (or removed from) the stream's suppression list. Postmark suppresses
     * after a hard bounce or a spam complaint, and when a recipient unsubscribes (reason
     * ManualSuppression, origin Recipient); the account can suppress by hand too (origin
     * Customer or Admin). The hard bounce and the complaint also arrive as their own Bounce and
     * SpamComplaint records; they are reported as the same status here so that the suppression
     * never outranks them (DROPPED would claim Postmark refused a message it in fact sent).
     */
    private static MessageStatus subscriptionChange(JsonNode record, Map<String, Object> details) {
        Boolean suppress = bool(record.get("SuppressSending"));
        String reason = text(record.get("SuppressionReason"));
        String origin = text(record.get("Origin"));
        put(details, "suppressSending", suppress);
        put(details, "suppressionReason", reason);
        put(details, "origin", origin);
        if (!Boolean.TRUE.equals(suppress)) {
            // Reactivation: news about the address, not about a message (MessageID is null).
            return INFORMATIONAL;
        }
        if ("HardBounce".equals(reason)) {
            put(details, "bounceType", "hard");
            put(details, "suppression", "hard-bounce");
            return MessageStatus.BOUNCED;
        }
        if ("SpamComplaint".equals(reason)) {
            put(details, "suppression", "complaint");
            return MessageStatus.COMPLAINED;
        }
        if ("ManualSuppression".equals(reason) && (origin == null || "Recipient".equals(origin))) {
            put(details, "suppression", "unsubscribe");
            return MessageStatus.UNSUBSCRIBED;
        }
        put(details, "suppression", "provider");
        // Suppressed by the account, or for a reason Postmark adds later: sends to it are refused.
        return MessageStatus.DROPPED;
    }

    private static void engagement(JsonNode record, Map<String, Object> details) {
        put(details, "userAgent", text(record.get("UserAgent")));
        put(details, "platform", text(record.get("Platform")));
        put(details, "client", text(record.path("Client").get("Name")));
        put(details, "os", text(record.path("OS").get("Name")));
        put(details, "country", text(record.path("Geo").get("Country")));
        put(details, "city", text(record.path("Geo").get("City")));
    }

    /** Our id from {@code Metadata.mailroom_id}; null when absent or not ours (then MessageID matches). */
    static UUID mailroomId(JsonNode record) {
        return ProviderText.mailroomIdOrNull(text(record.path("Metadata").get(PostmarkSender.MAILROOM_ID)));
    }

    /** Postmark writes ISO 8601 with an offset and up to 7 fraction digits ("2014-08-01T13:28:10.2735393-04:00"). */
    static Instant instant(String timestamp, Instant fallback) {
        if (timestamp == null || timestamp.isBlank()) {
            return fallback;
        }
        try {
            return OffsetDateTime.parse(timestamp.strip()).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(timestamp.strip()).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException unreadable) {
                return fallback;
            }
        }
    }

    static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return node.isString() || node.isNumber() || node.isBoolean() ? node.asString() : null;
    }

    private static String firstText(JsonNode record, String... fields) {
        for (String field : fields) {
            String value = text(record.get(field));
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static Boolean bool(JsonNode node) {
        return node != null && node.isBoolean() ? node.asBoolean() : null;
    }

    /** Details are copied with Map.copyOf, which refuses nulls: absent fields are simply left out. */
    private static void put(Map<String, Object> details, String key, Object value) {
        if (value != null) {
            details.put(key, value);
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
