package dev.mailroom.server.notifier;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MetricsProperties;
import dev.mailroom.server.Role;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The notifier's backlog as gauges, counted on a schedule ({@code mailroom.metrics.database-sample-interval}), never
 * per scrape: {@code mailroom_notifier_pending} (deliveries to organizations' endpoints still pending: waiting for
 * their next attempt) and {@code mailroom_notifier_pending_due} (of those, the ones due now that no notifier took
 * yet). One COUNT over the {@code webhook_deliveries_due} index ({@code next_attempt_at}, set only while a delivery is
 * pending). Every notifier counts the same rows; dashboards take {@code max}. NaN until the first count, and while
 * the database does not answer.
 */
@Component
@ConditionalOnRole(Role.NOTIFIER)
class PendingDeliveriesGauges implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(PendingDeliveriesGauges.class);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final long intervalMillis;
    private volatile double pending = Double.NaN;
    private volatile double due = Double.NaN;
    private volatile ScheduledExecutorService sampler;

    PendingDeliveriesGauges(
            @Qualifier(NotifierDatabase.POOL) JdbcTemplate jdbc,
            Clock clock,
            MetricsProperties metrics,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.intervalMillis = metrics.databaseSampleInterval().toMillis();
        Gauge.builder("mailroom.notifier.pending", this, g -> g.pending)
                .description("Deliveries to organizations' webhook endpoints still pending (waiting for an attempt)")
                .register(meters);
        Gauge.builder("mailroom.notifier.pending.due", this, g -> g.due)
                .description("Pending deliveries to organizations' webhook endpoints whose attempt is due now")
                .register(meters);
    }

    void sample() {
        jdbc.query(
                "SELECT COUNT(*) AS pending, SUM(CASE WHEN next_attempt_at <= ? THEN 1 ELSE 0 END) AS due"
                        + " FROM webhook_deliveries WHERE next_attempt_at IS NOT NULL AND state = ?",
                rs -> {
                    pending = rs.getLong("pending");
                    due = rs.getLong("due");
                },
                java.time.OffsetDateTime.ofInstant(clock.instant(), java.time.ZoneOffset.UTC),
                DeliveryLog.PENDING);
    }

    @Override
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "notifier-metrics");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        sample();
                    } catch (RuntimeException e) {
                        pending = Double.NaN;
                        due = Double.NaN;
                        log.debug("Counting the pending deliveries failed: {}", e.toString());
                    }
                },
                0,
                intervalMillis,
                TimeUnit.MILLISECONDS);
        sampler = executor;
    }

    @Override
    public void stop() {
        ScheduledExecutorService executor = sampler;
        sampler = null;
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return sampler != null;
    }
}
