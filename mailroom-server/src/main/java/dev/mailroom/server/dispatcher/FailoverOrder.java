package dev.mailroom.server.dispatcher;

import dev.mailroom.contracts.SettingNames;
import dev.mailroom.contracts.SettingsSnapshot;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The providers tried, in order, while the chosen one's circuit breaker is open:
 * {@code mailroom.providers.failover} at start, then whatever the operators' settings broadcasts
 * say once an administrator set an order at run time (an empty one turns failover off).
 */
@Component
@ConditionalOnRole(Role.DISPATCHER)
class FailoverOrder {
    private static final Logger log = LoggerFactory.getLogger(FailoverOrder.class);

    private record Current(List<String> providers, long version) {}

    private final AtomicReference<Current> current;

    FailoverOrder(MailroomProperties properties) {
        this.current = new AtomicReference<>(new Current(properties.providers().failover(), 0));
    }

    List<String> providers() {
        return current.get().providers();
    }

    /** Takes a broadcast snapshot unless an equal or newer one was already applied. */
    void follow(SettingsSnapshot snapshot) {
        String value = snapshot.values().get(SettingNames.FAILOVER);
        if (value == null) {
            // Never set at run time (or an older operator's snapshot): the configured order stays.
            return;
        }
        Current next = new Current(SettingNames.failoverProviders(value), snapshot.version());
        Current before = current.getAndUpdate(c -> snapshot.version() > c.version() ? next : c);
        if (snapshot.version() > before.version() && !next.providers().equals(before.providers())) {
            log.info(
                    "Failover order is now {} (was {}, settings version {})",
                    next.providers(),
                    before.providers(),
                    snapshot.version());
        }
    }
}
