package dev.mailroom.server.providers.sandbox;

import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.EmailSender;
import dev.mailroom.server.providers.OutboundEmail;
import java.util.List;
import java.util.UUID;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * The default provider: sends nothing out, answers like a provider, and shortly after reports
 * events back through the signed webhook, as a real provider would.
 */
@Component
@ConditionalOnBooleanProperty("mailroom.providers.sandbox.enabled")
@ConditionalOnRole(Role.DISPATCHER)
class SandboxSender implements EmailSender {
    private final SandboxEventPoster poster;

    SandboxSender(SandboxEventPoster poster) {
        this.poster = poster;
    }

    @Override
    public String name() {
        return SandboxProvider.NAME;
    }

    @Override
    public DeliveryOutcome send(OutboundEmail outbound) {
        String sandboxId = "sandbox-" + UUID.randomUUID();
        List<String> recipients =
                outbound.email().allRecipients().stream().map(Recipient::email).toList();
        poster.reportLater(outbound.messageId(), sandboxId, recipients);
        return new DeliveryOutcome.Accepted(sandboxId);
    }
}
