package dev.mailroom.server.accounts;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * When each key was last used, kept in memory and written every {@code mailroom.accounts.last-used-flush}
 * (30 s) in one pass: a busy key costs no database write per request. A process that stops loses at
 * most that much of it, which is what "last used" can afford.
 */
@Component
@ConditionalOnRole(Role.API)
class LastUsedRecorder implements SchedulingConfigurer {
    private static final Logger log = LoggerFactory.getLogger(LastUsedRecorder.class);

    private final KeyStore keys;
    private final AccountsProperties properties;
    private final ConcurrentHashMap<UUID, Instant> pending = new ConcurrentHashMap<>();

    LastUsedRecorder(KeyStore keys, AccountsProperties properties) {
        this.keys = keys;
        this.properties = properties;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar registrar) {
        registrar.addFixedDelayTask(this::flush, properties.lastUsedFlush());
    }

    void record(UUID keyId, Instant at) {
        if (keyId != null) {
            pending.merge(keyId, at, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    /** Also on shutdown, so that a stopping process keeps what it knows. */
    @jakarta.annotation.PreDestroy
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        Map<UUID, Instant> batch = new HashMap<>();
        for (UUID id : pending.keySet()) {
            Instant at = pending.remove(id);
            if (at != null) {
                batch.put(id, at);
            }
        }
        try {
            keys.touch(batch);
        } catch (RuntimeException e) {
            // Kept for the next pass (a newer use wins).
            batch.forEach(this::record);
            log.warn("Could not record the keys' last use ({}); trying again later", e.toString());
        }
    }
}
