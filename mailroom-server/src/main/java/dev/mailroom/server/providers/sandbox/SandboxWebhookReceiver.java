package dev.mailroom.server.providers.sandbox;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.WebhookReceiver;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;

/** Verifies and reads the sandbox's own webhooks. */
@Component
@ConditionalOnBooleanProperty("mailroom.providers.sandbox.enabled")
@ConditionalOnRole(Role.WEBHOOKS)
class SandboxWebhookReceiver implements WebhookReceiver {
    private static final Map<String, MessageStatus> STATUSES = Map.of(
            "deferred", MessageStatus.DEFERRED,
            "delivered", MessageStatus.DELIVERED,
            "opened", MessageStatus.OPENED,
            "clicked", MessageStatus.CLICKED,
            "bounced", MessageStatus.BOUNCED,
            "complained", MessageStatus.COMPLAINED);

    private final SandboxSecret secret;
    private final MailroomProperties mailroom;
    private final Clock clock;

    SandboxWebhookReceiver(SandboxSecret secret, MailroomProperties mailroom, Clock clock) {
        this.secret = secret;
        this.mailroom = mailroom;
        this.clock = clock;
    }

    @Override
    public String provider() {
        return SandboxProvider.NAME;
    }

    @Override
    public List<ActivityReport> receive(WebhookRequest request) {
        String problem = SandboxSignature.problemWith(
                request.header(SandboxSignature.HEADER),
                secret.value(),
                request.body(),
                clock.instant(),
                mailroom.webhooks().tolerance());
        if (problem != null) {
            throw WebhookRejectedException.unauthenticated(problem);
        }
        SandboxWebhook webhook;
        try {
            webhook = ContractJson.mapper().readValue(request.body(), SandboxWebhook.class);
        } catch (JacksonException e) {
            throw WebhookRejectedException.malformed("body is not a sandbox webhook: " + e.getOriginalMessage());
        }
        if (webhook == null || webhook.events() == null) {
            throw WebhookRejectedException.malformed("body must be {\"events\": [...]}");
        }
        List<ActivityReport> reports = new ArrayList<>();
        for (SandboxWebhook.Event e : webhook.events()) {
            MessageStatus status = e == null ? null : STATUSES.get(e.event());
            if (status == null || e.id() == null) {
                throw WebhookRejectedException.malformed(
                        "every event needs an id and an event of " + STATUSES.keySet());
            }
            reports.add(ActivityReport.event(
                    Ids.providerEvent(SandboxProvider.NAME, e.id()),
                    parseId(e.mailroomId()),
                    e.messageId(),
                    SandboxProvider.NAME,
                    status,
                    e.timestamp() == null ? clock.instant() : e.timestamp(),
                    e.recipient(),
                    e.event(),
                    e.details()));
        }
        return reports;
    }

    private static UUID parseId(String mailroomId) {
        try {
            return mailroomId == null ? null : UUID.fromString(mailroomId);
        } catch (IllegalArgumentException e) {
            // Not ours: kept unmatched rather than refused, like any unmatched provider event.
            return null;
        }
    }
}
