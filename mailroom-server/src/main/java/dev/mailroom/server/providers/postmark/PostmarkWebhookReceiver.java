package dev.mailroom.server.providers.postmark;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.WebhookReceiver;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /webhooks/postmark}: one JSON record per call (Delivery, Bounce, SpamComplaint,
 * Open, Click, SubscriptionChange). Authenticity is the webhook's HTTP Basic credentials, checked
 * before the body is read (see {@link PostmarkBasicAuth}); Postmark signs nothing and sends no
 * timestamp, so there is no staleness check.
 *
 * <p>Each record is stored once: its id comes from the {@code X-PM-Webhook-Trace-Id} header,
 * which Postmark keeps across retries, or else from the record's type, MessageID, recipient
 * and time.
 */
@Component
@ConditionalOnRole(Role.WEBHOOKS)
@ConditionalOnProperty(name = "mailroom.providers.postmark.webhook-password")
class PostmarkWebhookReceiver implements WebhookReceiver {
    static final String TRACE_HEADER = "X-PM-Webhook-Trace-Id";
    private static final Logger log = LoggerFactory.getLogger(PostmarkWebhookReceiver.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PostmarkProperties properties;
    private final Clock clock;

    PostmarkWebhookReceiver(PostmarkProperties properties, Clock clock) {
        if (isBlank(properties.webhookUsername()) || isBlank(properties.webhookPassword())) {
            throw new IllegalArgumentException(
                    "mailroom.providers.postmark.webhook-username and webhook-password are both required"
                            + " to receive Postmark webhooks (set them as the webhook's HTTP Basic credentials in Postmark)");
        }
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return PostmarkProvider.NAME;
    }

    @Override
    public List<ActivityReport> receive(WebhookRequest request) {
        String problem = PostmarkBasicAuth.problemWith(
                request.header("Authorization"), properties.webhookUsername(), properties.webhookPassword());
        if (problem != null) {
            throw WebhookRejectedException.unauthenticated(problem);
        }
        JsonNode record;
        try {
            record = JSON.readTree(request.body());
        } catch (JacksonException e) {
            throw WebhookRejectedException.malformed("body is not JSON: " + e.getOriginalMessage());
        }
        if (record == null || !record.isObject()) {
            throw WebhookRejectedException.malformed("body must be one Postmark webhook record (a JSON object)");
        }
        String recordType = PostmarkEvents.text(record.get("RecordType"));
        if (recordType == null || recordType.isBlank()) {
            throw WebhookRejectedException.malformed(
                    record.has("FromFull")
                            ? "this is an inbound email; point Postmark's inbound webhook elsewhere, this URL takes delivery and engagement webhooks"
                            : "the record has no RecordType");
        }
        ActivityReport report = PostmarkEvents.read(record, request.header(TRACE_HEADER), clock.instant());
        if (report.details().containsKey("unmapped")) {
            log.warn(
                    "Kept a Postmark {} record that Mailroom does not map to a status yet", LogSafe.escape(recordType));
        }
        return List.of(report);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
