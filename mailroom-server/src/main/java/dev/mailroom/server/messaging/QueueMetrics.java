package dev.mailroom.server.messaging;

import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.MetricsProperties;
import dev.mailroom.server.Role;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessagePostProcessor;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The queues as on-call sees them: depth, consumers, the age of the oldest waiting message, and each consumer's lag.
 *
 * <p><b>Who reports which queue.</b> A process reports the queues its roles consume (operator: the mailbox's lanes,
 * tracking, control, dead letters; dispatcher: the dispatching lanes; notifier: notifications), and the operator also
 * every other Mailroom queue and, on RabbitMQ, every {@code .dlq}. The consumers report theirs because only they know
 * what they take (the lag, hence the oldest message's age); the operator reports all of them because it is the role
 * that always runs, so a queue whose every consumer died still shows its depth growing. One queue may thus be reported
 * by several processes with the same depth: dashboards take {@code max by (queue)} of depth and
 * {@code min by (queue)} of the age (each process's age is an upper bound; the tightest one wins).
 *
 * <p><b>Depth</b> is the broker's count of <i>ready</i> messages from a passive declare
 * ({@link AmqpAdmin#getQueueInfo}, one per queue per {@code mailroom.metrics.queue-sample-interval}, on a thread of
 * its own, never per scrape; RabbitMQ and the embedded broker both answer it). Messages delivered to a consumer and
 * not yet acknowledged (up to the prefetch per consumer) are not in it. NaN while the broker cannot be asked.
 *
 * <p><b>Oldest message age.</b> AMQP cannot read the head of a (quorum) queue without taking it, so the age is
 * derived, and is an <i>upper bound</i> on the age of the oldest ready message, as long as consumers take messages
 * in queue order: 0 when the last sample found the queue empty; otherwise the smaller of (a) the time since this
 * process last sampled the queue empty (everything waiting now arrived after that) and (b) the time since the
 * publication of the last message this process took from it (everything waiting now was published after that one).
 * NaN while neither is known (a queue that was never seen empty and never consumed here since the start).
 *
 * <p><b>Consumer lag</b> is the time from publication ({@link QueueNames#PUBLISHED_AT_HEADER}, set by Mailroom's
 * publishers and the Java client; clocks of different hosts add their skew) to when a consumer of this process
 * took the message, per queue, as a histogram. Messages without the header (other publishers), or with a time more than
 * a day old or a minute ahead, are not measured ({@link #plausible}).
 * This post-processor is on every batch consumer's container ({@link BatchListenerFactories}): a map lookup, a
 * header read and a timer update per message, with the timers built up front.
 */
@Component
public class QueueMetrics implements MessagePostProcessor, SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);

    /** Every queue Mailroom declares and consumes (each has a {@code .dlq} on RabbitMQ). */
    static final List<String> WORK_QUEUES = List.of(
            QueueNames.MAILBOX,
            QueueNames.MAILBOX_BULK,
            QueueNames.DISPATCHING,
            QueueNames.DISPATCHING_BULK,
            QueueNames.TRACKING,
            QueueNames.CONTROL,
            QueueNames.NOTIFICATIONS,
            QueueNames.DEAD_LETTERS);

    /** The lag histogram's buckets: from a batch's fill time to a backlog of a quarter of an hour. */
    private static final Duration[] LAG_BUCKETS = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        Duration.ofMinutes(5),
        Duration.ofMinutes(15)
    };

    private final AmqpAdmin admin;
    private final long intervalMillis;
    /** The queues whose depth and oldest-message age this process reports. */
    private final Map<String, Watched> reported;
    /** The queues consumed here, whose consumer lag this process measures. */
    private final Map<String, Watched> consumed;

    private volatile ScheduledExecutorService sampler;
    private volatile boolean brokerAwayLogged;

    QueueMetrics(
            ObjectProvider<AmqpAdmin> admin,
            MeterRegistry meters,
            MailroomProperties properties,
            MetricsProperties metrics,
            Environment environment) {
        this.admin = admin.getIfUnique();
        this.intervalMillis = metrics.queueSampleInterval().toMillis();
        Set<Role> roles = Role.parse(environment.getProperty(Role.PROPERTY));
        Map<String, Watched> reported = new LinkedHashMap<>();
        Map<String, Watched> consumed = new LinkedHashMap<>();
        for (String queue : consumedBy(roles)) {
            Watched watched = new Watched(queue, lagTimer(meters, queue));
            consumed.put(queue, watched);
            reported.put(queue, watched);
        }
        if (roles.contains(Role.OPERATOR)) {
            for (String queue : WORK_QUEUES) {
                reported.computeIfAbsent(queue, q -> new Watched(q, null));
                if (properties.broker().isRabbitMq()) {
                    reported.computeIfAbsent(queue + ".dlq", q -> new Watched(q, null));
                }
            }
        }
        reported.values().forEach(w -> w.register(meters));
        this.reported = Map.copyOf(reported);
        this.consumed = Map.copyOf(consumed);
    }

    /** The Mailroom queues the given roles consume (their listeners' queues; the {@code .dlq}s have no lag). */
    static List<String> consumedBy(Set<Role> roles) {
        java.util.ArrayList<String> queues = new java.util.ArrayList<>();
        if (roles.contains(Role.OPERATOR)) {
            queues.addAll(List.of(
                    QueueNames.MAILBOX,
                    QueueNames.MAILBOX_BULK,
                    QueueNames.TRACKING,
                    QueueNames.CONTROL,
                    QueueNames.DEAD_LETTERS));
        }
        if (roles.contains(Role.DISPATCHER)) {
            queues.addAll(List.of(QueueNames.DISPATCHING, QueueNames.DISPATCHING_BULK));
        }
        if (roles.contains(Role.NOTIFIER)) {
            queues.add(QueueNames.NOTIFICATIONS);
        }
        return queues;
    }

    private static Timer lagTimer(MeterRegistry meters, String queue) {
        return Timer.builder("mailroom.queue.consumer.lag")
                .description("Time from a message's publication to its take by a consumer of this process")
                .tag("queue", queue)
                .serviceLevelObjectives(LAG_BUCKETS)
                .register(meters);
    }

    /** Records the consumer lag of a message taken by a listener container of this process. */
    @Override
    public Message postProcessMessage(Message message) {
        MessageProperties properties = message.getMessageProperties();
        String queue = properties.getConsumerQueue();
        Watched watched = queue == null ? null : consumed.get(queue);
        if (watched != null && properties.getHeader(QueueNames.PUBLISHED_AT_HEADER) instanceof Number at) {
            long now = System.currentTimeMillis();
            long publishedAt = at.longValue();
            if (plausible(publishedAt, now)) {
                watched.lag.record(Math.max(0, now - publishedAt), TimeUnit.MILLISECONDS);
                watched.lastTakenPublishedAt = publishedAt;
            }
        }
        return message;
    }

    /** The oldest publication time believed: older is a forged or broken header, not a message waiting a day. */
    static final long MAX_LAG_MILLIS = TimeUnit.DAYS.toMillis(1);

    /** How far ahead of this host's clock a publisher's may be (skew between hosts). */
    static final long MAX_SKEW_MILLIS = TimeUnit.MINUTES.toMillis(1);

    /**
     * Whether a publication time can be believed: the header comes from whoever published (an application on the
     * mailbox too), and one forged value (year 1970, or 2100) must not become the lag of the queue or the age of its
     * oldest message, and so page someone. Such a message is consumed as usual, only not measured.
     */
    static boolean plausible(long publishedAt, long now) {
        return publishedAt >= now - MAX_LAG_MILLIS && publishedAt <= now + MAX_SKEW_MILLIS;
    }

    /** Asks the broker for every reported queue's depth and consumers. */
    void sample() {
        for (Watched watched : reported.values()) {
            try {
                QueueInformation info = admin.getQueueInfo(watched.queue);
                watched.sampled(info, System.currentTimeMillis());
            } catch (AmqpException e) {
                // The broker is away: nothing is known until it is back (the health check says why).
                reported.values().forEach(w -> w.sampled(null, System.currentTimeMillis()));
                if (!brokerAwayLogged) {
                    brokerAwayLogged = true;
                    log.info("Queue depths unknown until the broker answers: {}", e.toString());
                }
                return;
            }
        }
        brokerAwayLogged = false;
    }

    @Override
    public void start() {
        if (admin == null || reported.isEmpty()) {
            return;
        }
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "queue-metrics");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        sample();
                    } catch (RuntimeException e) {
                        log.warn("Sampling the queues failed", e);
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

    /** One queue as this process sees it. */
    static final class Watched {
        final String queue;
        /** Null for a queue not consumed here. */
        final Timer lag;

        volatile double depth = Double.NaN;
        volatile double consumers = Double.NaN;
        /** Wall-clock millis of the last sample that found no ready message; -1 when never. */
        volatile long lastSeenEmpty = -1;
        /** Publication time (millis) of the last message a consumer of this process took; -1 when none. */
        volatile long lastTakenPublishedAt = -1;

        Watched(String queue, Timer lag) {
            this.queue = queue;
            this.lag = lag;
        }

        void register(MeterRegistry meters) {
            Gauge.builder("mailroom.queue.depth", this, w -> w.depth)
                    .description("Ready messages in the queue (not counting those delivered and not yet acknowledged)")
                    .tag("queue", queue)
                    .register(meters);
            Gauge.builder("mailroom.queue.consumers", this, w -> w.consumers)
                    .description("Consumers of the queue, on every process")
                    .tag("queue", queue)
                    .register(meters);
            Gauge.builder("mailroom.queue.oldest.age", this, w -> w.oldestAgeSeconds(System.currentTimeMillis()))
                    .description("Upper bound on the age of the oldest ready message (0 when the queue was empty)")
                    .tag("queue", queue)
                    .baseUnit("seconds")
                    .register(meters);
        }

        void sampled(QueueInformation info, long now) {
            if (info == null) {
                depth = Double.NaN;
                consumers = Double.NaN;
                return;
            }
            depth = info.getMessageCount();
            consumers = info.getConsumerCount();
            if (info.getMessageCount() == 0) {
                lastSeenEmpty = now;
            }
        }

        double oldestAgeSeconds(long now) {
            double ready = depth;
            if (Double.isNaN(ready)) {
                return Double.NaN;
            }
            if (ready == 0) {
                return 0;
            }
            long since = Long.MAX_VALUE;
            if (lastSeenEmpty >= 0) {
                since = Math.min(since, now - lastSeenEmpty);
            }
            if (lastTakenPublishedAt >= 0) {
                since = Math.min(since, now - lastTakenPublishedAt);
            }
            return since == Long.MAX_VALUE ? Double.NaN : Math.max(0, since) / 1000.0;
        }
    }
}
