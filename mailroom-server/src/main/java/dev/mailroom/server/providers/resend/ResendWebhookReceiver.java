package dev.mailroom.server.providers.resend;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.WebhookReceiver;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /webhooks/resend}: verifies Svix's signature over the raw body (before reading a
 * byte of it as JSON), then maps the one event the call carries (see {@link ResendEvents}).
 * The activity id comes from {@code svix-id}, which Svix keeps across its retries, so a
 * redelivered event is stored once.
 */
@Component
@ConditionalOnRole(Role.WEBHOOKS)
@ConditionalOnProperty(name = "mailroom.providers.resend.webhook-secret")
class ResendWebhookReceiver implements WebhookReceiver {
    private static final Logger log = LoggerFactory.getLogger(ResendWebhookReceiver.class);

    private final SvixSignature signature;
    private final MailroomProperties mailroom;
    private final Clock clock;

    ResendWebhookReceiver(ResendProperties properties, MailroomProperties mailroom, Clock clock) {
        this.signature = new SvixSignature(properties.webhookSecret());
        this.mailroom = mailroom;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return ResendProvider.NAME;
    }

    @Override
    public List<ActivityReport> receive(WebhookRequest request) {
        Instant now = clock.instant();
        String eventId = signature.verify(request, now, mailroom.webhooks().tolerance());
        JsonNode event;
        try {
            event = ContractJson.mapper().readTree(request.body());
        } catch (JacksonException e) {
            throw WebhookRejectedException.malformed("body is not JSON: " + e.getOriginalMessage());
        }
        String type = ResendEvents.text(event, "type");
        if (type == null || type.isBlank()) {
            throw WebhookRejectedException.malformed(
                    "body must be a Resend event: {\"type\": ..., \"created_at\": ..., \"data\": {...}}");
        }
        if (!ResendEvents.isKnown(type)) {
            // Accepted rather than refused (Resend would retry it for hours, then disable the
            // endpoint), but said out loud: a new Resend event type wants a mapping here.
            log.warn(
                    "Resend event {} has type '{}', which Mailroom does not know; accepted without an activity",
                    eventId,
                    type);
        }
        return ResendEvents.report(eventId, event, now).map(List::of).orElse(List.of());
    }
}
