package dev.mailroom.server.providers.sendgrid;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.WebhookReceiver;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import java.time.Clock;
import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * {@code POST /webhooks/sendgrid}: SendGrid's Signed Event Webhook. The signature is checked
 * before the body is parsed. The receiver exists only when {@code webhook-public-key} is set
 * (without it the path answers 404, and SendGrid retries for up to a day); unsigned events are
 * never accepted. An invalid key stops the application at startup; a blank one (an empty
 * environment variable) makes every call a 401.
 */
@Component
@ConditionalOnRole(Role.WEBHOOKS)
@ConditionalOnProperty(name = "mailroom.providers.sendgrid.webhook-public-key")
class SendGridWebhookReceiver implements WebhookReceiver {
    private final SendGridSignature signature;
    private final MailroomProperties mailroom;
    private final Clock clock;

    SendGridWebhookReceiver(SendGridProperties properties, MailroomProperties mailroom, Clock clock) {
        this.signature = properties.hasWebhookPublicKey()
                ? SendGridSignature.fromVerificationKey(properties.webhookPublicKey())
                : null;
        this.mailroom = mailroom;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return SendGridProvider.NAME;
    }

    @Override
    public List<ActivityReport> receive(WebhookRequest request) {
        if (signature == null) {
            throw WebhookRejectedException.unauthenticated("mailroom.providers.sendgrid.webhook-public-key is blank:"
                    + " enable SendGrid's Signed Event Webhook and set its verification key");
        }
        String problem = signature.problemWith(
                request.header(SendGridSignature.SIGNATURE_HEADER),
                request.header(SendGridSignature.TIMESTAMP_HEADER),
                request.body(),
                clock.instant(),
                mailroom.webhooks().tolerance());
        if (problem != null) {
            throw WebhookRejectedException.unauthenticated(problem);
        }
        try {
            return SendGridEvents.parse(request.body(), clock.instant());
        } catch (IllegalArgumentException e) {
            throw WebhookRejectedException.malformed(e.getMessage());
        }
    }
}
