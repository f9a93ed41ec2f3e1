package dev.mailroom.server.providers.sendgrid;

import dev.mailroom.contracts.ProviderNames;
import dev.mailroom.server.ProviderDescriptor;
import org.springframework.stereotype.Component;

/** SendGrid as this package serves it: its name, used by its sender and receiver, and what enables it. */
@Component
final class SendGridProvider implements ProviderDescriptor {
    static final String NAME = ProviderNames.SENDGRID;
    /** Its sender's credential: present, the provider is enabled (the sender's condition reads the same). */
    static final String ENABLED_BY = "mailroom.providers.sendgrid.api-key";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String enabledBy() {
        return ENABLED_BY;
    }
}
