package dev.mailroom.server.providers.sandbox;

import dev.mailroom.contracts.ProviderNames;
import dev.mailroom.server.ProviderDescriptor;
import org.springframework.stereotype.Component;

/**
 * The sandbox as this package serves it: its name, used by its sender, receiver and event poster,
 * and what enables it (only its explicit switch, which the zero-configuration run sets).
 */
@Component
final class SandboxProvider implements ProviderDescriptor {
    static final String NAME = ProviderNames.SANDBOX;
    /** Enabled only by {@code mailroom.providers.sandbox.enabled=true}: it has no credentials. */
    static final String ENABLED_BY = null;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String enabledBy() {
        return ENABLED_BY;
    }
}
