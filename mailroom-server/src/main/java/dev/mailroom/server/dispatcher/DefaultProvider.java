package dev.mailroom.server.dispatcher;

import dev.mailroom.contracts.SettingNames;
import dev.mailroom.contracts.SettingsSnapshot;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.EnabledProviders;
import dev.mailroom.server.Role;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The provider for messages that name none: {@code mailroom.providers.default} at start (or, unset,
 * the sandbox where it is enabled, else the first provider configured), then
 * whatever the operators' settings broadcasts say (changed at run time through the API).
 */
@Component
@ConditionalOnRole(Role.DISPATCHER)
class DefaultProvider {
    private static final Logger log = LoggerFactory.getLogger(DefaultProvider.class);

    private record Current(String name, long version) {}

    private final AtomicReference<Current> current;

    DefaultProvider(EnabledProviders providers) {
        this.current = new AtomicReference<>(new Current(providers.defaultProvider(), 0));
    }

    String name() {
        return current.get().name();
    }

    /** Takes a broadcast snapshot unless an equal or newer one was already applied. */
    void follow(SettingsSnapshot snapshot) {
        String provider = snapshot.values().get(SettingNames.DEFAULT_PROVIDER);
        if (provider == null) {
            return;
        }
        Current next = new Current(provider, snapshot.version());
        Current before = current.getAndUpdate(c -> snapshot.version() > c.version() ? next : c);
        if (snapshot.version() > before.version() && !provider.equals(before.name())) {
            log.info(
                    "Default provider is now '{}' (was '{}', settings version {})",
                    provider,
                    before.name(),
                    snapshot.version());
        }
    }
}
