package dev.mailroom.server.providers.ses;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.providers.WebhookRejectedException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * SES events (the {@code Message} of a verified SNS notification, itself JSON) as activities.
 *
 * <p>Event publishing names the type {@code eventType}; identity feedback notifications name it
 * {@code notificationType} (Bounce, Complaint, Delivery only, and without tags). The mapping:
 * Send → DISPATCHED, Delivery → DELIVERED, Bounce → BOUNCED, Complaint → COMPLAINED, Reject →
 * DROPPED, Open → OPENED, Click → CLICKED, Rendering Failure → FAILED, DeliveryDelay → DEFERRED,
 * Subscription → UNSUBSCRIBED. Per-recipient events (Delivery, Bounce, Complaint,
 * DeliveryDelay) give one activity per recipient.
 *
 * <p>Correlation: {@code mail.tags.mailroom_id[0]} (our tag on the send), else the operator
 * matches {@code mail.messageId}, which is SES's {@code MessageId} from {@code SendEmail}.
 * Deduplication: SNS keeps its {@code MessageId} across redeliveries, so activity ids are
 * {@code Ids.providerEvent("ses", snsMessageId + "/" + recipient)}.
 *
 * <p>Event types SES may add later are acknowledged and logged, not refused: a refusal would
 * only make SNS redeliver the same message for an hour and then drop it anyway, and there is no
 * Contract status to record it under. {@code AmazonSnsSubscriptionSucceeded} (SES's hello when
 * identity notifications are set up) records nothing either.
 */
final class SesEvents {
    static final String PROVIDER = SesProvider.NAME;
    private static final Logger log = LoggerFactory.getLogger(SesEvents.class);

    private SesEvents() {}

    static List<ActivityReport> reports(SnsMessage notification) {
        JsonNode event;
        try {
            event = SnsMessage.JSON.readTree(notification.message());
        } catch (JacksonException e) {
            throw WebhookRejectedException.malformed(
                    "the SNS Message is not an SES event (JSON): " + e.getOriginalMessage());
        }
        if (event == null || !event.isObject()) {
            throw WebhookRejectedException.malformed("the SNS Message is not an SES event: expected a JSON object");
        }
        String type = SnsMessage.text(event, "eventType");
        if (type == null) {
            type = SnsMessage.text(event, "notificationType");
        }
        if (type == null) {
            throw WebhookRejectedException.malformed("the SES event has neither eventType nor notificationType");
        }
        JsonNode mail = event.get("mail");
        if ("AmazonSnsSubscriptionSucceeded".equals(type)) {
            // The Message is the topic owner's text: with accept-any-topic, anyone's.
            log.info(
                    "SES confirmed notifications to SNS topic {}: {}",
                    LogSafe.escape(notification.topicArn()),
                    LogSafe.escape(SnsMessage.text(event, "message")));
            return List.of();
        }
        if (mail == null || !mail.isObject()) {
            throw WebhookRejectedException.malformed("the SES " + type + " event has no mail object");
        }
        Event e = new Event(notification, type, mail, sentAt(notification));
        switch (type) {
            case "Send":
                return List.of(e.report(MessageStatus.DISPATCHED, null, e.time(event.get("send")), Map.of()));
            case "Delivery":
                return delivery(e, event.path("delivery"));
            case "Bounce":
                return bounce(e, event.path("bounce"));
            case "Complaint":
                return complaint(e, event.path("complaint"));
            case "Reject":
                return List.of(e.report(
                        MessageStatus.DROPPED,
                        null,
                        e.mailTime(),
                        details("reason", text(event.path("reject"), "reason"))));
            case "Open":
                return open(e, event.path("open"));
            case "Click":
                return click(e, event.path("click"));
            case "Rendering Failure":
                return renderingFailure(e, event.path("failure"));
            case "DeliveryDelay":
                return deliveryDelay(e, event.path("deliveryDelay"));
            case "Subscription":
                return subscription(e, event.path("subscription"));
            default:
                log.warn(
                        "Ignoring SES event of unknown type '{}' (SNS message {}); SES may have added it after this version",
                        LogSafe.escape(type),
                        LogSafe.escape(notification.messageId()));
                return List.of();
        }
    }

    private static List<ActivityReport> delivery(Event e, JsonNode delivery) {
        Map<String, Object> details = details(
                "smtpResponse", text(delivery, "smtpResponse"),
                "reportingMTA", text(delivery, "reportingMTA"),
                "processingTimeMillis",
                        delivery.path("processingTimeMillis").isNumber()
                                ? delivery.get("processingTimeMillis").asLong()
                                : null);
        List<ActivityReport> reports = new ArrayList<>();
        for (String recipient : recipients(delivery.path("recipients"), null)) {
            reports.add(e.report(MessageStatus.DELIVERED, recipient, e.time(delivery), details));
        }
        return reports;
    }

    private static List<ActivityReport> bounce(Event e, JsonNode bounce) {
        String sesType = text(bounce, "bounceType");
        String kind = "Permanent".equals(sesType) ? "hard" : "Transient".equals(sesType) ? "soft" : "undetermined";
        List<ActivityReport> reports = new ArrayList<>();
        for (JsonNode r : entries(bounce.path("bouncedRecipients"))) {
            String diagnostic = text(r, "diagnosticCode");
            reports.add(e.report(
                    MessageStatus.BOUNCED,
                    text(r, "emailAddress"),
                    e.time(bounce),
                    details(
                            "bounceType", kind,
                            "sesBounceType", sesType,
                            "bounceSubType", text(bounce, "bounceSubType"),
                            "reason", diagnostic != null ? diagnostic : text(bounce, "bounceSubType"),
                            "diagnosticCode", diagnostic,
                            "status", text(r, "status"),
                            "action", text(r, "action"),
                            "feedbackId", text(bounce, "feedbackId"),
                            "reportingMTA", text(bounce, "reportingMTA"),
                            "suppression", suppression(text(bounce, "bounceSubType")))));
        }
        return reports;
    }

    /**
     * SES did not send because the address is on a suppression list: {@code Suppressed} is SES's global list of
     * addresses that recently bounced hard; {@code OnAccountSuppressionList} the account's own, whose reason (bounce
     * or complaint) the event does not say.
     */
    static String suppression(String bounceSubType) {
        if ("Suppressed".equals(bounceSubType)) {
            return "hard-bounce";
        }
        return "OnAccountSuppressionList".equals(bounceSubType) ? "provider" : null;
    }

    private static List<ActivityReport> complaint(Event e, JsonNode complaint) {
        Map<String, Object> details = details(
                "feedbackType", text(complaint, "complaintFeedbackType"),
                "complaintSubType", text(complaint, "complaintSubType"),
                "userAgent", text(complaint, "userAgent"),
                "feedbackId", text(complaint, "feedbackId"),
                "arrivalDate", text(complaint, "arrivalDate"));
        List<ActivityReport> reports = new ArrayList<>();
        for (JsonNode r : entries(complaint.path("complainedRecipients"))) {
            reports.add(e.report(MessageStatus.COMPLAINED, text(r, "emailAddress"), e.time(complaint), details));
        }
        return reports;
    }

    private static List<ActivityReport> open(Event e, JsonNode open) {
        return List.of(e.report(
                MessageStatus.OPENED,
                e.soleRecipient(),
                e.time(open),
                details(
                        "userAgent", text(open, "userAgent"),
                        "ipAddress", text(open, "ipAddress"))));
    }

    private static List<ActivityReport> click(Event e, JsonNode click) {
        return List.of(e.report(
                MessageStatus.CLICKED,
                e.soleRecipient(),
                e.time(click),
                details(
                        "url", text(click, "link"),
                        "linkTags", plain(click.get("linkTags")),
                        "userAgent", text(click, "userAgent"),
                        "ipAddress", text(click, "ipAddress"))));
    }

    private static List<ActivityReport> renderingFailure(Event e, JsonNode failure) {
        return List.of(e.report(
                MessageStatus.FAILED,
                null,
                e.mailTime(),
                details(
                        "reason", text(failure, "errorMessage"),
                        "templateName", text(failure, "templateName"))));
    }

    private static List<ActivityReport> deliveryDelay(Event e, JsonNode delay) {
        List<ActivityReport> reports = new ArrayList<>();
        for (JsonNode r : entries(delay.path("delayedRecipients"))) {
            String diagnostic = text(r, "diagnosticCode");
            reports.add(e.report(
                    MessageStatus.DEFERRED,
                    text(r, "emailAddress"),
                    e.time(delay),
                    details(
                            "delayType", text(delay, "delayType"),
                            "reason", diagnostic != null ? diagnostic : text(delay, "delayType"),
                            "diagnosticCode", diagnostic,
                            "status", text(r, "status"),
                            "expirationTime", text(delay, "expirationTime"),
                            "reportingMTA", text(delay, "reportingMTA"))));
        }
        return reports;
    }

    private static List<ActivityReport> subscription(Event e, JsonNode subscription) {
        JsonNode preferences = subscription.path("newTopicPreferences");
        return List.of(e.report(
                MessageStatus.UNSUBSCRIBED,
                e.soleRecipient(),
                e.time(subscription),
                details(
                        "contactList", text(subscription, "contactList"),
                        "source", text(subscription, "source"),
                        "unsubscribeAll",
                                preferences.path("unsubscribeAll").isBoolean()
                                        ? preferences.get("unsubscribeAll").asBoolean()
                                        : null,
                        "topicSubscriptionStatus", plain(preferences.get("topicSubscriptionStatus")))));
    }

    /** One SES event about one message, and how its activities are named. */
    private static final class Event {
        private final SnsMessage notification;
        private final String type;
        private final JsonNode mail;
        private final Instant fallbackTime;
        private final UUID mailroomId;
        private final String sesMessageId;

        Event(SnsMessage notification, String type, JsonNode mail, Instant fallbackTime) {
            this.notification = notification;
            this.type = type;
            this.mail = mail;
            this.fallbackTime = fallbackTime;
            this.sesMessageId = text(mail, "messageId");
            this.mailroomId = mailroomId(
                    mail.path("tags").path(SesRequests.MAILROOM_ID_TAG).path(0));
        }

        ActivityReport report(MessageStatus status, String recipient, Instant occurredAt, Map<String, Object> details) {
            // One SNS message can carry several recipients' activities: each needs its own id.
            String eventId = recipient == null ? notification.messageId() : notification.messageId() + "/" + recipient;
            return ActivityReport.event(
                    Ids.providerEvent(PROVIDER, eventId),
                    mailroomId,
                    sesMessageId,
                    PROVIDER,
                    status,
                    occurredAt,
                    recipient,
                    type,
                    details);
        }

        /** Open, click and unsubscribe name no recipient; with one destination, it can only be that one. */
        String soleRecipient() {
            JsonNode destination = mail.path("destination");
            return destination.isArray()
                            && destination.size() == 1
                            && destination.get(0).isString()
                    ? destination.get(0).stringValue()
                    : null;
        }

        Instant time(JsonNode section) {
            Instant at = section == null ? null : instant(text(section, "timestamp"));
            return at != null ? at : mailTime();
        }

        Instant mailTime() {
            Instant at = instant(text(mail, "timestamp"));
            return at != null ? at : fallbackTime;
        }
    }

    private static List<String> recipients(JsonNode array, String fallback) {
        List<String> recipients = new ArrayList<>();
        for (JsonNode r : entries(array)) {
            if (r.isString()) {
                recipients.add(r.stringValue());
            }
        }
        if (recipients.isEmpty()) {
            // Keep the event even when SES names nobody: the message still changed status.
            recipients.add(fallback);
        }
        return recipients;
    }

    /** The entries of an array; a missing or empty one yields one empty entry, so the event is still kept. */
    private static List<JsonNode> entries(JsonNode array) {
        List<JsonNode> entries = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(entries::add);
        }
        if (entries.isEmpty()) {
            entries.add(SnsMessage.JSON.createObjectNode());
        }
        return entries;
    }

    private static UUID mailroomId(JsonNode tag) {
        if (!tag.isString()) {
            return null;
        }
        try {
            return UUID.fromString(tag.stringValue());
        } catch (IllegalArgumentException e) {
            // Not one of ours: kept unmatched (or matched by SES message id), not refused.
            return null;
        }
    }

    private static Instant sentAt(SnsMessage notification) {
        try {
            return notification.sentAt();
        } catch (WebhookRejectedException e) {
            return null;
        }
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        return node == null || !node.isObject() ? null : SnsMessage.text(node, field);
    }

    /** Plain Java values (maps, lists, strings) so that the details serialise like any other. */
    private static Object plain(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode()
                ? null
                : SnsMessage.JSON.convertValue(node, Object.class);
    }

    /** Key/value pairs without the nulls (activity details hold no nulls). */
    private static Map<String, Object> details(Object... keyValues) {
        Map<String, Object> details = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                details.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        return details;
    }
}
