package dev.mailroom.server.providers.resend;

import dev.mailroom.contracts.ProviderNames;
import dev.mailroom.server.ProviderDescriptor;
import org.springframework.stereotype.Component;

/** Resend as this package serves it: its name, used by its sender and receiver, and what enables it. */
@Component
final class ResendProvider implements ProviderDescriptor {
    static final String NAME = ProviderNames.RESEND;
    /** Its sender's credential: present, the provider is enabled (the sender's condition reads the same). */
    static final String ENABLED_BY = "mailroom.providers.resend.api-key";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String enabledBy() {
        return ENABLED_BY;
    }
}
