package dev.mailroom.server.notifier;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.Notification;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.WebhookEndpointDisabling;
import dev.mailroom.server.notifier.DeliveryLog.Attempt;
import dev.mailroom.server.notifier.DeliveryLog.Claimed;
import dev.mailroom.server.notifier.DeliveryLog.Delivery;
import dev.mailroom.server.notifier.DeliveryLog.Known;
import dev.mailroom.server.notifier.DeliveryLog.Update;
import dev.mailroom.server.notifier.EndpointDirectory.Endpoint;
import dev.mailroom.server.notifier.WebhookClient.Answer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Delivers notifications to endpoints. A queue batch ({@link #deliver}): every (notification, subscribed endpoint)
 * becomes a delivery; those not known yet are attempted at once, at most {@code max-in-flight-per-endpoint} per
 * endpoint (what gets no permit at once, and what is for an endpoint that still has pending deliveries, waits as
 * pending: in order, for the retry loop); after at most {@code fast-path-wait} every delivery and attempt of the batch
 * is written in one transaction, and only then is the batch acknowledged. Attempts still under way then are written
 * pending, held past their deadline, and record their own outcome when it comes.
 *
 * <p>The retry loop ({@link #retryDue}) takes due pending deliveries ({@code FOR UPDATE SKIP LOCKED}, so notifiers
 * share them), oldest event first, and attempts them the same way. A failed attempt waits the next step of
 * {@code retry-schedule} (drawn between half the step and the whole), and after the last step the delivery is
 * {@code failed}. A 2xx is delivered; nothing else is.
 */
@Service
@ConditionalOnRole(Role.NOTIFIER)
class Notifier {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    /** How long past its deadline an attempt's row stays held: its own outcome is written before the loop takes it. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(30);
    /** How long a delivery that got no permit waits before the retry loop tries it. */
    private static final Duration NO_PERMIT_WAIT = Duration.ofSeconds(1);

    private final EndpointDirectory directory;
    private final DeliveryLog deliveries;
    private final WebhookClient client;
    private final WebhookEndpointDisabling disabling;
    private final NotifierProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Timer latency;
    private final Map<UUID, Semaphore> permits = new ConcurrentHashMap<>();
    /** When each failing endpoint was last checked for disabling. */
    private final Map<UUID, Instant> disableChecks = new ConcurrentHashMap<>();
    /** Writes the outcomes of attempts that outlived their batch, off the HTTP client's threads. */
    private final ExecutorService lateWriter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "notifier-late-outcomes");
        t.setDaemon(true);
        return t;
    });

    Notifier(
            EndpointDirectory directory,
            DeliveryLog deliveries,
            WebhookEndpointDisabling disabling,
            NotifierProperties properties,
            dev.mailroom.server.MailroomProperties mailroom,
            Clock clock,
            MeterRegistry meters) {
        this.directory = directory;
        this.deliveries = deliveries;
        this.disabling = disabling;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.client = new WebhookClient(DeliveryTargets.of(mailroom.notifier()), properties);
        this.latency = Timer.builder("mailroom.notifier.attempt.latency")
                .description("Webhook attempts, from the request to the end of the answer (or the error)")
                .register(meters);
    }

    @PreDestroy
    void close() {
        client.close();
        lateWriter.shutdown();
        try {
            lateWriter.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One attempt to make: the delivery, its endpoint, its number, whether a replay asked for it. */
    private record Launch(Delivery delivery, Endpoint endpoint, int number, boolean force) {}

    /** An attempt under way. */
    private record Running(Launch launch, Instant startedAt, CompletableFuture<Answer> answer) {}

    /** Delivers a queue batch of notifications; returns once every delivery of it is written. */
    void deliver(List<Notification> notifications) {
        Instant now = clock.instant();
        List<Notification> ordered = notifications.stream()
                .sorted(Comparator.comparing(Notification::occurredAt, Comparator.nullsLast(Comparator.naturalOrder())))
                .toList();
        Set<String> organizations = new HashSet<>();
        ordered.stream().filter(n -> n.endpointId() == null).forEach(n -> organizations.add(n.organizationId()));
        Map<String, List<Endpoint>> subscribed =
                organizations.isEmpty() ? Map.of() : directory.enabledOf(organizations);

        // The same (endpoint, event) twice in one batch is one delivery.
        Map<UUID, Launch> planned = new LinkedHashMap<>();
        for (Notification n : ordered) {
            if (n.id() == null || n.organizationId() == null || n.type() == null) {
                log.warn("Notification without id, organization or type ignored: {}", LogSafe.escape(n.toString()));
                continue;
            }
            if (n.endpointId() != null) {
                // A test send or a replay: that endpoint only (of that organization), whatever it subscribes to.
                directory
                        .byId(n.endpointId())
                        .filter(e -> e.organizationId().equals(n.organizationId()))
                        .ifPresent(e -> planned.put(deliveryId(e, n), new Launch(delivery(e, n), e, 0, true)));
            } else {
                for (Endpoint e : subscribed.getOrDefault(n.organizationId(), List.of())) {
                    if (e.wants(n.type())) {
                        planned.putIfAbsent(deliveryId(e, n), new Launch(delivery(e, n), e, 0, false));
                    }
                }
            }
        }
        if (planned.isEmpty()) {
            return;
        }
        Map<UUID, Known> known = deliveries.known(planned.keySet());
        Set<UUID> backlogged = deliveries.endpointsWithPending(planned.values().stream()
                .filter(l -> !l.force())
                .map(l -> l.endpoint().id())
                .distinct()
                .toList());
        List<Update> updates = new ArrayList<>();
        List<Launch> launches = new ArrayList<>();
        for (Launch l : planned.values()) {
            Known k = known.get(l.delivery().id());
            if (k != null && !l.force()) {
                // Delivered already, or pending (the retry loop has it), or failed for good: not again.
                continue;
            }
            int done = k == null ? 0 : k.attempts();
            if (!l.force() && backlogged.contains(l.endpoint().id())) {
                // Earlier events of this endpoint are still pending: this one goes after them.
                updates.add(new Update(l.delivery(), DeliveryLog.PENDING, done, now, null, false));
                count("queued");
                continue;
            }
            launches.add(new Launch(l.delivery(), l.endpoint(), done + 1, l.force()));
        }
        attempt(launches, updates, now);
    }

    /**
     * Attempts due deliveries, up to {@code retry-batch-size} of them.
     *
     * @return how many were due (a full batch: call again at once)
     */
    int retryDue() {
        Instant now = clock.instant();
        List<Claimed> due = deliveries.claimDue(now, properties.retryBatchSize(), now.plus(lease()));
        if (due.isEmpty()) {
            return 0;
        }
        List<Update> updates = new ArrayList<>();
        List<Launch> launches = new ArrayList<>();
        for (Claimed c : due) {
            Optional<Endpoint> endpoint = directory.byId(c.delivery().endpointId());
            if (endpoint.isEmpty()) {
                // Its endpoint was deleted: nobody to deliver to.
                updates.add(new Update(c.delivery(), DeliveryLog.FAILED, c.attempts(), null, null, false));
                continue;
            }
            launches.add(new Launch(c.delivery(), endpoint.get(), c.attempts() + 1, false));
        }
        attempt(launches, updates, now);
        return due.size();
    }

    /** Attempts what gets a permit, waits at most the fast-path bound, writes everything in one transaction. */
    private void attempt(List<Launch> launches, List<Update> updates, Instant now) {
        List<Running> running = new ArrayList<>();
        for (Launch l : launches) {
            Semaphore permit = permits.computeIfAbsent(
                    l.endpoint().id(), id -> new Semaphore(properties.maxInFlightPerEndpoint()));
            if (!permit.tryAcquire()) {
                updates.add(new Update(
                        l.delivery(), DeliveryLog.PENDING, l.number() - 1, now.plus(NO_PERMIT_WAIT), null, l.force()));
                count("no-permit");
                continue;
            }
            Instant startedAt = clock.instant();
            CompletableFuture<Answer> answer;
            try {
                answer = send(l, startedAt);
            } catch (RuntimeException e) {
                permit.release();
                throw e;
            }
            answer.whenComplete((a, e) -> permit.release());
            running.add(new Running(l, startedAt, answer));
        }
        if (!running.isEmpty()) {
            try {
                CompletableFuture.allOf(running.stream().map(Running::answer).toArray(CompletableFuture[]::new))
                        .get(properties.fastPathWait().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // The slow ones finish on their own (below).
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("an attempt's future failed: " + e.getCause(), e.getCause());
            }
        }
        Instant after = clock.instant();
        Set<UUID> failing = new HashSet<>();
        List<Running> late = new ArrayList<>();
        for (Running r : running) {
            if (r.answer().isDone()) {
                Update u = outcome(r, r.answer().join(), after);
                updates.add(u);
                if (u.attempt() != null && !u.attempt().answer().delivered()) {
                    failing.add(r.launch().endpoint().id());
                }
            } else {
                Launch l = r.launch();
                updates.add(new Update(
                        l.delivery(),
                        DeliveryLog.PENDING,
                        l.number(),
                        r.startedAt().plus(lease()),
                        null,
                        l.force()));
                late.add(r);
            }
        }
        deliveries.write(updates, after);
        for (Running r : late) {
            r.answer().thenAcceptAsync(a -> writeLate(r, a), lateWriter);
        }
        failing.forEach(this::disableIfFailingTooLong);
    }

    private void writeLate(Running r, Answer answer) {
        try {
            Update u = outcome(r, answer, clock.instant());
            deliveries.write(List.of(u), clock.instant());
            if (!answer.delivered()) {
                disableIfFailingTooLong(r.launch().endpoint().id());
            }
        } catch (RuntimeException e) {
            // The row stays pending past its lease: the retry loop attempts it again.
            log.warn(
                    "Could not record the late outcome of delivery {}: {}",
                    r.launch().delivery().id(),
                    e.toString());
        }
    }

    private Update outcome(Running r, Answer answer, Instant now) {
        Launch l = r.launch();
        latency.record(answer.latencyMillis(), TimeUnit.MILLISECONDS);
        Attempt attempt = new Attempt(l.number(), r.startedAt(), answer);
        if (answer.delivered()) {
            count("delivered");
            return new Update(l.delivery(), DeliveryLog.DELIVERED, l.number(), null, attempt, l.force());
        }
        List<Duration> schedule = properties.retrySchedule();
        if (l.number() > schedule.size()) {
            count("failed");
            log.info(
                    "Delivery {} of {} to endpoint {} failed for good after {} attempts: {}",
                    l.delivery().id(),
                    l.delivery().eventId(),
                    l.endpoint().id(),
                    l.number(),
                    LogSafe.escape(answer.problem()));
            return new Update(l.delivery(), DeliveryLog.FAILED, l.number(), null, attempt, l.force());
        }
        count("retry");
        return new Update(
                l.delivery(),
                DeliveryLog.PENDING,
                l.number(),
                now.plus(backoff(schedule, l.number())),
                attempt,
                l.force());
    }

    /** The wait after failed attempt {@code number}: its step of the schedule, jittered between half and whole. */
    static Duration backoff(List<Duration> schedule, int number) {
        long step = schedule.get(Math.min(number, schedule.size()) - 1).toMillis();
        long half = step / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(step - half + 1));
    }

    private CompletableFuture<Answer> send(Launch l, Instant now) {
        List<String> secrets = l.endpoint().signingSecrets(now);
        if (secrets.isEmpty()) {
            return CompletableFuture.completedFuture(
                    Answer.error(0, "not called: the endpoint has no signing secret in force"));
        }
        byte[] body = l.delivery().payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = now.getEpochSecond();
        String signature;
        try {
            signature = WebhookSigner.signature(secrets, l.delivery().eventId(), timestamp, body);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(
                    Answer.error(0, "not called: a signing secret of the endpoint is not valid base64"));
        }
        return client.post(
                l.endpoint().url(),
                Map.of(
                        "webhook-id", l.delivery().eventId(),
                        "webhook-timestamp", Long.toString(timestamp),
                        "webhook-signature", signature),
                body);
    }

    /**
     * Disables an endpoint with no success for {@code disable-after} and at least {@code disable-after-failures}
     * failed attempts since, asking accounts. Checked at most every few minutes per failing endpoint: the streak is
     * read from the attempts, so every notifier sees the same and a restart forgets nothing.
     */
    private void disableIfFailingTooLong(UUID endpointId) {
        Instant now = clock.instant();
        Duration every = properties.disableAfter().dividedBy(10);
        Duration checkEvery = every.compareTo(Duration.ofMinutes(5)) < 0 ? every : Duration.ofMinutes(5);
        Instant last = disableChecks.get(endpointId);
        if (last != null && last.plus(checkEvery).isAfter(now)) {
            return;
        }
        disableChecks.put(endpointId, now);
        try {
            DeliveryLog.Streak streak = deliveries.streak(endpointId);
            if (streak.failures() >= properties.disableAfterFailures()
                    && streak.since() != null
                    && !streak.since().plus(properties.disableAfter()).isAfter(now)) {
                String reason = "failing since " + streak.since() + " (" + streak.failures()
                        + " attempts without a success): last error " + streak.lastError();
                if (disabling.disableWebhookEndpoint(endpointId, reason)) {
                    count("endpoint-disabled");
                    log.warn("Webhook endpoint {} disabled: {}", endpointId, LogSafe.escape(reason));
                }
            }
        } catch (RuntimeException e) {
            log.warn("Could not check webhook endpoint {} for disabling: {}", endpointId, e.toString());
        }
    }

    private Duration lease() {
        return properties.attemptTimeout().plus(LEASE_MARGIN);
    }

    private void count(String outcome) {
        meters.counter("mailroom.notifier.deliveries", "outcome", outcome).increment();
    }

    /** One row per (endpoint, event): an event received twice is delivered under one row. */
    static UUID deliveryId(Endpoint endpoint, Notification n) {
        return Ids.of("webhook-delivery", endpoint.id().toString(), n.id().toString());
    }

    private static Delivery delivery(Endpoint e, Notification n) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", n.type());
        // To the microsecond, as the log keeps it: a replay rebuilds this body from the log and sends the same bytes.
        Instant occurred =
                n.occurredAt() == null ? Instant.EPOCH : n.occurredAt().truncatedTo(ChronoUnit.MICROS);
        body.put("timestamp", occurred.toString());
        body.put("data", n.data());
        return new Delivery(
                deliveryId(e, n),
                e.id(),
                n.organizationId(),
                n.webhookId(),
                n.type(),
                new String(ContractJson.write(body), StandardCharsets.UTF_8),
                occurred);
    }
}
