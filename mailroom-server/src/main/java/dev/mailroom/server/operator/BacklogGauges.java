package dev.mailroom.server.operator;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MetricsProperties;
import dev.mailroom.server.Role;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The operator's backlog as gauges, counted on a schedule ({@code mailroom.metrics.database-sample-interval}) on a
 * thread of its own, never per scrape:
 * <ul>
 *   <li>{@code mailroom_operator_backlog{kind}}: messages waiting for the operator's releaser, by kind:
 *       {@code scheduled} (a {@code sendAt} or a send-limit hold ahead), {@code retry} (deferred, waiting for their
 *       next attempt), {@code unqueued} (ACCEPTED and not yet QUEUED: in an intake's hands, or stuck if due);</li>
 *   <li>{@code mailroom_operator_backlog_due{kind}}: of those, the ones already due (their time has come and no
 *       releaser took them yet): a releaser that keeps up holds this near 0;</li>
 *   <li>{@code mailroom_dead_letters_open{queue}}: dead letters stored and not yet replayed or discarded, by the
 *       queue they came from.</li>
 * </ul>
 * Both are COUNTs over an index ({@code messages_due} on {@code next_attempt_at}, which is set only while a message
 * waits for the releaser; {@code dead_letters_open} on {@code resolved_at}): their cost follows the backlog, not the
 * history. Every operator counts the same rows; dashboards take {@code max}. NaN until the first count, and while the
 * database does not answer.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class BacklogGauges implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(BacklogGauges.class);
    /** The kinds of backlog, by the status a waiting message has. */
    static final List<String> KINDS = List.of("scheduled", "retry", "unqueued");
    /** The queues dead letters come from (anything else counts as {@code other}). */
    static final List<String> DEAD_LETTER_QUEUES = List.of(
            dev.mailroom.contracts.QueueNames.MAILBOX,
            dev.mailroom.contracts.QueueNames.MAILBOX_BULK,
            dev.mailroom.contracts.QueueNames.DISPATCHING,
            dev.mailroom.contracts.QueueNames.DISPATCHING_BULK,
            dev.mailroom.contracts.QueueNames.TRACKING,
            dev.mailroom.contracts.QueueNames.CONTROL,
            dev.mailroom.contracts.QueueNames.NOTIFICATIONS,
            dev.mailroom.contracts.QueueNames.DEAD_LETTERS,
            "other");

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final long intervalMillis;
    private final Map<String, Value> backlog = new LinkedHashMap<>();
    private final Map<String, Value> due = new LinkedHashMap<>();
    private final Map<String, Value> deadLetters = new LinkedHashMap<>();
    private volatile ScheduledExecutorService sampler;

    BacklogGauges(JdbcTemplate jdbc, Clock clock, MetricsProperties metrics, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.intervalMillis = metrics.databaseSampleInterval().toMillis();
        for (String kind : KINDS) {
            backlog.put(
                    kind,
                    gauge(
                            meters,
                            "mailroom.operator.backlog",
                            "kind",
                            kind,
                            "Messages waiting for the"
                                    + " operator's releaser: scheduled sends, retries, accepted and not yet queued"));
            due.put(
                    kind,
                    gauge(
                            meters,
                            "mailroom.operator.backlog.due",
                            "kind",
                            kind,
                            "Messages waiting for the" + " operator's releaser whose time has come"));
        }
        for (String queue : DEAD_LETTER_QUEUES) {
            deadLetters.put(
                    queue,
                    gauge(
                            meters,
                            "mailroom.dead.letters.open",
                            "queue",
                            queue,
                            "Dead letters stored" + " and not yet replayed or discarded, by the queue they came from"));
        }
    }

    /** A gauge's last sample, written by the sampler's thread and read by the scrape's. */
    static final class Value {
        volatile double value = Double.NaN;
    }

    private static Value gauge(MeterRegistry meters, String name, String tag, String value, String description) {
        Value holder = new Value();
        Gauge.builder(name, holder, h -> h.value)
                .description(description)
                .tag(tag, value)
                .register(meters);
        return holder;
    }

    static String kindOf(String status) {
        return switch (status) {
            case "SCHEDULED" -> "scheduled";
            case "ACCEPTED" -> "unqueued";
            default -> "retry";
        };
    }

    /** Counts the backlog and the open dead letters. */
    void sample() {
        Map<String, Double> waiting = new HashMap<>();
        Map<String, Double> dueNow = new HashMap<>();
        jdbc.query(
                "SELECT status, COUNT(*) AS waiting, SUM(CASE WHEN next_attempt_at <= ? THEN 1 ELSE 0 END) AS due"
                        + " FROM messages WHERE next_attempt_at IS NOT NULL GROUP BY status",
                rs -> {
                    String kind = kindOf(rs.getString("status"));
                    waiting.merge(kind, (double) rs.getLong("waiting"), Double::sum);
                    dueNow.merge(kind, (double) rs.getLong("due"), Double::sum);
                },
                Timestamps.of(clock.instant()));
        Map<String, Double> open = new HashMap<>();
        jdbc.query("SELECT queue, COUNT(*) AS open FROM dead_letters WHERE resolved_at IS NULL GROUP BY queue", rs -> {
            String queue = rs.getString("queue");
            open.merge(deadLetters.containsKey(queue) ? queue : "other", (double) rs.getLong("open"), Double::sum);
        });
        backlog.forEach((kind, holder) -> holder.value = waiting.getOrDefault(kind, 0.0));
        due.forEach((kind, holder) -> holder.value = dueNow.getOrDefault(kind, 0.0));
        deadLetters.forEach((queue, holder) -> holder.value = open.getOrDefault(queue, 0.0));
    }

    private void unknown() {
        backlog.values().forEach(h -> h.value = Double.NaN);
        due.values().forEach(h -> h.value = Double.NaN);
        deadLetters.values().forEach(h -> h.value = Double.NaN);
    }

    @Override
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "backlog-metrics");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        sample();
                    } catch (RuntimeException e) {
                        // The database is away (or migrating): unknown rather than stale.
                        unknown();
                        log.debug("Counting the backlog failed: {}", e.toString());
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
