package dev.mailroom.server.notifier;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.Notification;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.NotifierProperties;
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
 * becomes a delivery; those not known yet are attempted at once, in passes of at most {@value
 * #MAX_DELIVERIES_PER_PASS}, with at most {@code max-in-flight-per-endpoint} under way per endpoint (an attempt waits
 * briefly for a permit; what gets none, for an endpoint that is slow, waits as pending for the retry loop); after at
 * most {@code fast-path-wait} every delivery and attempt of the pass is written in one transaction, and once every pass
 * is written the batch is acknowledged. Attempts still under way then are written pending, held past their deadline,
 * and record their own outcome when it comes. Events are not held back behind an endpoint's pending retries: each
 * carries its {@code occurredAt} and status, which order them.
 *
 * <p>The retry loop ({@link #retryDue}) takes due pending deliveries ({@code FOR UPDATE SKIP LOCKED}, so notifiers
 * share them), longest due first, and attempts them the same way. A failed attempt waits the next step of
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
    /** How long an attempt waits for a permit of its endpoint (one is usually back within a few milliseconds). */
    private static final Duration PERMIT_WAIT = Duration.ofMillis(100);
    /** Deliveries attempted and written together, at most. */
    static final int MAX_DELIVERIES_PER_PASS = 500;

    private final EndpointDirectory directory;
    private final DeliveryLog deliveries;
    private final WebhookClient client;
    private final WebhookEndpointDisabling disabling;
    private final NotifierProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Timer latency;
    private final Map<UUID, Semaphore> permits = new ConcurrentHashMap<>();
    /** Endpoints that recently kept every permit for {@link #PERMIT_WAIT}: until when they count as slow. */
    private final Map<UUID, Instant> slow = new ConcurrentHashMap<>();
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
            Clock clock,
            MeterRegistry meters) {
        this.directory = directory;
        this.deliveries = deliveries;
        this.disabling = disabling;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.client = new WebhookClient(DeliveryTargets.of(properties), properties);
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
    private record Launch(Delivery delivery, Endpoint endpoint, int number, boolean force, boolean logged) {}

    /** An attempt under way. */
    private record Running(Launch launch, Instant startedAt, CompletableFuture<Answer> answer) {}

    /** Delivers a queue batch of notifications; returns once every delivery of it is written. */
    void deliver(List<Notification> notifications) {
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
                        .ifPresent(e -> planned.put(deliveryId(e, n), new Launch(delivery(e, n), e, 0, true, false)));
            } else {
                for (Endpoint e : subscribed.getOrDefault(n.organizationId(), List.of())) {
                    if (e.wants(n.type())) {
                        planned.putIfAbsent(deliveryId(e, n), new Launch(delivery(e, n), e, 0, false, false));
                    }
                }
            }
        }
        if (planned.isEmpty()) {
            return;
        }
        List<Launch> all = new ArrayList<>(planned.values());
        // In passes of a bounded size: each pass waits for its own attempts and writes its own transaction, so a
        // large queue batch does not hold thousands of answers in memory nor go past the fast-path bound as a whole.
        for (int from = 0; from < all.size(); from += MAX_DELIVERIES_PER_PASS) {
            deliverPass(all.subList(from, Math.min(all.size(), from + MAX_DELIVERIES_PER_PASS)));
        }
    }

    private void deliverPass(List<Launch> planned) {
        Map<UUID, Known> known =
                deliveries.known(planned.stream().map(l -> l.delivery().id()).toList());
        List<Launch> launches = new ArrayList<>();
        for (Launch l : planned) {
            Known k = known.get(l.delivery().id());
            if (k != null && !l.force()) {
                // Delivered already, or pending (the retry loop has it), or failed for good: not again.
                continue;
            }
            int done = k == null ? 0 : k.attempts();
            launches.add(new Launch(l.delivery(), l.endpoint(), done + 1, l.force(), k != null));
        }
        attempt(launches, new ArrayList<>(), clock.instant());
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
                updates.add(new Update(c.delivery(), DeliveryLog.FAILED, c.attempts(), null, null, false, true));
                continue;
            }
            launches.add(new Launch(c.delivery(), endpoint.get(), c.attempts() + 1, false, true));
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
            if (!acquire(permit, l.endpoint().id())) {
                updates.add(new Update(
                        l.delivery(),
                        DeliveryLog.PENDING,
                        l.number() - 1,
                        now.plus(NO_PERMIT_WAIT),
                        null,
                        l.force(),
                        l.logged()));
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
                        l.force(),
                        l.logged()));
                late.add(r);
            }
        }
        deliveries.write(updates, after);
        for (Running r : late) {
            // Its row is written now (pending, held): the late outcome updates it.
            Running logged = new Running(
                    new Launch(
                            r.launch().delivery(),
                            r.launch().endpoint(),
                            r.launch().number(),
                            r.launch().force(),
                            true),
                    r.startedAt(),
                    r.answer());
            r.answer().thenAcceptAsync(a -> writeLate(logged, a), lateWriter);
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
            return new Update(l.delivery(), DeliveryLog.DELIVERED, l.number(), null, attempt, l.force(), l.logged());
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
            return new Update(l.delivery(), DeliveryLog.FAILED, l.number(), null, attempt, l.force(), l.logged());
        }
        count("retry");
        return new Update(
                l.delivery(),
                DeliveryLog.PENDING,
                l.number(),
                now.plus(backoff(schedule, l.number())),
                attempt,
                l.force(),
                l.logged());
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

    /**
     * A permit for one more attempt to the endpoint: waits up to {@link #PERMIT_WAIT} for one to free up (a fast
     * endpoint answers well within it), unless the endpoint recently had none for that long: then it is slow, and
     * what finds no permit at once waits as pending for the retry loop rather than holding other endpoints' events.
     */
    private boolean acquire(Semaphore permit, UUID endpointId) {
        if (permit.tryAcquire()) {
            return true;
        }
        Instant slowUntil = slow.get(endpointId);
        if (slowUntil != null && slowUntil.isAfter(clock.instant())) {
            return false;
        }
        try {
            if (permit.tryAcquire(PERMIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        slow.put(endpointId, clock.instant().plus(NO_PERMIT_WAIT));
        return false;
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
