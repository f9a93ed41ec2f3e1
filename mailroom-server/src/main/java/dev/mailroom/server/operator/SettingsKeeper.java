package dev.mailroom.server.operator;

import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.ProviderNames;
import dev.mailroom.contracts.SettingChange;
import dev.mailroom.contracts.SettingNames;
import dev.mailroom.contracts.SettingsSnapshot;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.SettingsBroadcast;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps the run-time settings: stores each change, then broadcasts the whole snapshot to every
 * dispatcher. The snapshot is also re-broadcast every few seconds, so a dispatcher that starts
 * later (or missed a broadcast while reconnecting) follows within seconds, without a restart.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class SettingsKeeper {
    private static final Logger log = LoggerFactory.getLogger(SettingsKeeper.class);

    private final SettingsStore store;
    private final SettingsBroadcast broadcast;
    private final TransactionTemplate tx;
    private final Clock clock;

    SettingsKeeper(SettingsStore store, SettingsBroadcast broadcast, TransactionTemplate tx, Clock clock) {
        this.store = store;
        this.broadcast = broadcast;
        this.tx = tx;
        this.clock = clock;
    }

    SettingChange validated(SettingChange change) {
        if (SettingNames.DEFAULT_PROVIDER.equals(change.name())) {
            requireKnown(change.value(), change.name());
        } else if (SettingNames.FAILOVER.equals(change.name())) {
            // The API checked the order against the enabled providers; a dispatcher skips one it has not got.
            if (change.value() == null) {
                throw new MalformedMessageException("no value for " + change.name());
            }
            Set<String> seen = new HashSet<>();
            for (String provider : SettingNames.failoverProviders(change.value())) {
                requireKnown(provider, change.name());
                if (!seen.add(provider)) {
                    throw new MalformedMessageException("provider '" + provider + "' twice in " + change.name());
                }
            }
        } else {
            throw new MalformedMessageException("unknown setting '" + change.name() + "'");
        }
        return change;
    }

    private static void requireKnown(String provider, String setting) {
        if (!ProviderNames.isKnown(provider)) {
            throw new MalformedMessageException("unknown provider '" + provider + "' for " + setting);
        }
    }

    void apply(List<SettingChange> changes) {
        tx.executeWithoutResult(status -> changes.forEach(c -> {
            long version = store.saveSetting(c.name(), c.value(), clock.instant());
            log.info("Setting {} is now '{}' (version {})", c.name(), c.value(), version);
        }));
        broadcastNow();
    }

    void broadcastNow() {
        try {
            SettingsSnapshot snapshot = tx.execute(status -> store.readSettings(clock.instant()));
            if (snapshot != null && snapshot.version() > 0) {
                broadcast.publish(snapshot);
            }
        } catch (RuntimeException e) {
            log.warn("Could not broadcast the settings; will try again: {}", e.getMessage());
        }
    }
}
