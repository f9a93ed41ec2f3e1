package dev.mailroom.server.providers.mailgun;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.WebhookReceiver;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /webhooks/mailgun}: Mailgun's JSON webhooks, one event per call,
 * {@code {"signature": {"timestamp", "token", "signature"}, "event-data": {...}}}.
 *
 * <p>The signature sits inside the body, so the body is read as JSON first, but nothing of the
 * event is looked at before the signature, its freshness ({@code mailroom.webhooks.tolerance})
 * and its token (no reuse with another body, see {@link MailgunReplayGuard}) have passed. Legacy
 * form-encoded webhooks are not supported: they answer 400.
 */
@Component
@ConditionalOnRole(Role.WEBHOOKS)
@ConditionalOnProperty(name = "mailroom.providers.mailgun.webhook-signing-key")
class MailgunWebhookReceiver implements WebhookReceiver {
    /** At most this many tokens are remembered: about 330 webhooks a second for five minutes. */
    static final int MAX_REMEMBERED_TOKENS = 100_000;

    private static final Logger log = LoggerFactory.getLogger(MailgunWebhookReceiver.class);
    /** Exact decimals: event timestamps are unix seconds with microseconds, too many digits for a double to keep. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final MailgunProperties properties;
    private final Duration tolerance;
    private final Clock clock;
    private final MailgunReplayGuard replays = new MailgunReplayGuard(MAX_REMEMBERED_TOKENS);

    MailgunWebhookReceiver(MailgunProperties properties, MailroomProperties mailroom, Clock clock) {
        if (properties.webhookSigningKey() == null
                || properties.webhookSigningKey().isBlank()) {
            throw new IllegalArgumentException(
                    "mailroom.providers.mailgun.webhook-signing-key is required to receive Mailgun webhooks");
        }
        this.properties = properties;
        this.tolerance = mailroom.webhooks().tolerance();
        this.clock = clock;
    }

    @Override
    public String provider() {
        return MailgunProvider.NAME;
    }

    @Override
    public List<ActivityReport> receive(WebhookRequest request) {
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (JacksonException e) {
            throw WebhookRejectedException.malformed(
                    "body is not JSON (legacy form-encoded Mailgun webhooks are not supported): "
                            + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            throw WebhookRejectedException.malformed(
                    "body must be one Mailgun webhook: {\"signature\": {...}, \"event-data\": {...}}");
        }
        JsonNode signature = body.path("signature");
        String timestamp = MailgunEvents.text(signature.get("timestamp"));
        String token = MailgunEvents.text(signature.get("token"));
        Instant now = clock.instant();
        String problem = MailgunSignature.problemWith(
                timestamp,
                token,
                MailgunEvents.text(signature.get("signature")),
                properties.webhookSigningKey(),
                now,
                tolerance);
        if (problem != null) {
            throw WebhookRejectedException.unauthenticated(problem);
        }
        if (!replays.admit(
                token,
                sha256(request.body()),
                Long.parseLong(timestamp) + tolerance.toSeconds(),
                now.getEpochSecond())) {
            throw WebhookRejectedException.unauthenticated(
                    "replayed: this signature's token was already used with another body");
        }
        JsonNode data = body.get("event-data");
        if (data == null || !data.isObject()) {
            throw WebhookRejectedException.malformed("the webhook has no event-data object");
        }
        String event = MailgunEvents.text(data.get("event"));
        if (event == null || event.isBlank()) {
            throw WebhookRejectedException.malformed("event-data has no event");
        }
        ActivityReport report = MailgunEvents.read(data, now);
        if (report.details().containsKey("unmapped")) {
            log.warn("Kept a Mailgun '{}' event that Mailroom does not map to a status yet", event);
        }
        return List.of(report);
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
