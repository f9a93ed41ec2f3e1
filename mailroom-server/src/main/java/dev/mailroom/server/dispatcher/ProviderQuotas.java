package dev.mailroom.server.dispatcher;

import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.providers.DeliveryOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installation-wide send-rate limits ({@code mailroom.dispatcher.rate-limits}) and the shared
 * back-off of providers that answered 429, as one dispatcher process applies them.
 *
 * <p>Each limit is shared among the live dispatchers ({@link PeerView}): this one sends at most
 * {@code limit / live} per second, spaced evenly ({@link SendPacer}). A send waits for its turn up to
 * {@code max-permit-wait}; past that it is deferred to when its turn would come. A provider's 429
 * (or SES throttling) holds every dispatcher off that provider until its Retry-After (else
 * {@code default-backoff}): the dispatcher that got it broadcasts it, and each one defers sends to
 * the end of the back-off, or waits when that is within {@code max-permit-wait}. Neither counts as
 * provider trouble for the circuit breaker: they are not failures of the provider.
 */
final class ProviderQuotas {
    private static final Logger log = LoggerFactory.getLogger(ProviderQuotas.class);
    /** A Retry-After beyond this is taken as this: a wrong header must not stop a provider for days. */
    static final Duration MAX_BACKOFF = Duration.ofHours(1);

    /**
     * Each dispatcher paces at this fraction of its share: between the permit and the provider's
     * receipt lie a thread switch and an HTTP call, whose jitter moves some sends into the next
     * wall-clock second. Measured with 3 dispatchers at 50/s on 2 busy cores: up to 55 in a second at
     * 100%; the headroom keeps the provider's count at the limit, at the price of 5% of throughput.
     */
    static final double HEADROOM = 0.95;

    /** A back-off lengthened by less than this is not broadcast again. */
    private static final Duration NEWS = Duration.ofMillis(500);

    /** Monotonic time and sleeping, so that tests can drive both. */
    interface Ticker {
        long nanos();

        void sleep(long nanos) throws InterruptedException;

        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanos() {
                return System.nanoTime();
            }

            @Override
            public void sleep(long nanos) throws InterruptedException {
                TimeUnit.NANOSECONDS.sleep(nanos);
            }
        };
    }

    private final Map<String, Integer> limits;
    private final PeerView peers;
    private final Clock clock;
    private final Ticker ticker;
    private final MeterRegistry meters;
    private final long maxWaitNanos;
    private final Duration defaultBackoff;
    private final Map<String, SendPacer> pacers = new ConcurrentHashMap<>();
    /** Per provider: the monotonic time until which nobody sends to it. */
    private final Map<String, Long> backoffs = new ConcurrentHashMap<>();

    private volatile BiConsumer<String, Duration> broadcast = (provider, duration) -> {};

    ProviderQuotas(
            MailroomProperties.Dispatcher settings, PeerView peers, Clock clock, Ticker ticker, MeterRegistry meters) {
        this.limits = settings.rateLimits();
        this.peers = peers;
        this.clock = clock;
        this.ticker = ticker;
        this.meters = meters;
        this.maxWaitNanos = settings.quota().maxPermitWait().toNanos();
        this.defaultBackoff = settings.quota().defaultBackoff();
        limits.forEach((provider, limit) -> {
            if (limit != null && limit > 0) {
                meters.gauge(
                        "mailroom.dispatch.quota.share",
                        java.util.List.of(io.micrometer.core.instrument.Tag.of("provider", provider)),
                        this,
                        q -> q.share(provider));
            }
        });
    }

    PeerView peers() {
        return peers;
    }

    /**
     * Registers the quota meters of the providers configured on this dispatcher, at 0, so that they are there before
     * anything waits: {@code mailroom_dispatch_quota_waited_total}, {@code mailroom_dispatch_quota_wait_seconds}
     * (how long sends waited for their turn, a histogram), {@code mailroom_dispatch_quota_deferred_total{cause}} and
     * {@code mailroom_dispatch_quota_backoffs_total}.
     */
    void registerMeters(java.util.Collection<String> providers) {
        for (String provider : providers) {
            meters.counter("mailroom.dispatch.quota.waited", "provider", provider);
            waitTimer(provider);
            meters.counter("mailroom.dispatch.quota.deferred", "provider", provider, "cause", "limit");
            meters.counter("mailroom.dispatch.quota.deferred", "provider", provider, "cause", "backoff");
            meters.counter("mailroom.dispatch.quota.backoffs", "provider", provider);
        }
    }

    private io.micrometer.core.instrument.Timer waitTimer(String provider) {
        return io.micrometer.core.instrument.Timer.builder("mailroom.dispatch.quota.wait")
                .description("How long a send waited for its turn under the provider's rate limit or back-off")
                .tag("provider", provider)
                .serviceLevelObjectives(
                        Duration.ofMillis(10),
                        Duration.ofMillis(50),
                        Duration.ofMillis(100),
                        Duration.ofMillis(250),
                        Duration.ofMillis(500),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(5))
                .register(meters);
    }

    /** Where a back-off this dispatcher decided goes (the broker, to every dispatcher including this one). */
    void broadcastWith(BiConsumer<String, Duration> broadcast) {
        this.broadcast = broadcast;
    }

    /** This dispatcher's current sends per second for the provider, or 0 without a limit (or no share yet). */
    double share(String provider) {
        Integer limit = limits.get(provider);
        return limit == null || limit <= 0 ? 0 : peers.share(limit);
    }

    /**
     * The end of a back-off of the provider that will not be over within {@code max-permit-wait}, or
     * null: the router then tries a failover provider instead of waiting.
     */
    Instant backedOffBeyondWait(String provider) {
        long now = ticker.nanos();
        Long until = backoffs.get(provider);
        if (until == null || until - now <= maxWaitNanos) {
            return null;
        }
        return clock.instant().plusNanos(until - now);
    }

    /** The deferral of a send to a provider held off beyond {@code max-permit-wait} (no failover took it). */
    DeliveryOutcome.RetryLater deferredByBackoff(String provider, Instant until) {
        meters.counter("mailroom.dispatch.quota.deferred", "provider", provider, "cause", "backoff")
                .increment();
        return new DeliveryOutcome.RetryLater(
                "provider '" + provider + "' asked every dispatcher to slow down (rate limited);"
                        + " held off until its back-off ends",
                until);
    }

    /**
     * Waits for this dispatcher's turn to send to the provider (the end of a back-off, then a slot
     * of its share), up to {@code max-permit-wait}.
     *
     * @return null to send now, or the deferral to report instead
     */
    DeliveryOutcome.RetryLater acquire(String provider) {
        long start = ticker.nanos();
        long deadline = start + maxWaitNanos;
        boolean waited = false;
        try {
            Long until = backoffs.get(provider);
            if (until != null && until > start) {
                if (until > deadline) {
                    return deferred(
                            provider,
                            "backoff",
                            "provider '" + provider + "' asked every dispatcher to slow"
                                    + " down (rate limited); held off until its back-off ends",
                            until - start);
                }
                ticker.sleep(until - start);
                waited = true;
            }
            Integer limit = limits.get(provider);
            if (limit == null || limit <= 0) {
                return null;
            }
            SendPacer pacer = pacers.computeIfAbsent(provider, p -> new SendPacer());
            SendPacer.Turn turn = pacer.take(ticker, () -> peers.share(limit) * HEADROOM, deadline);
            waited |= turn.waited();
            if (turn.granted()) {
                return null;
            }
            double share = peers.share(limit);
            if (share <= 0) {
                // Not joined yet, or cut off from the broker: no share to send with.
                return deferred(
                        provider,
                        "limit",
                        "send-rate limit of provider '" + provider + "': this dispatcher has no share yet"
                                + " (joining, or not hearing the other dispatchers)",
                        maxWaitNanos);
            }
            return deferred(
                    provider,
                    "limit",
                    String.format(
                            "send-rate limit of provider '%s' reached (%d/s for the installation, %.2f/s"
                                    + " on this dispatcher of %d)",
                            provider, limit, share, peers.live().size()),
                    Math.max(turn.comesInNanos(), Math.round(1e9 / share)));
        } catch (InterruptedException e) {
            // Shutting down: the send is retried later (by this process or another).
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.RetryLater(
                    "dispatcher stopping while waiting for provider '" + provider + "' send-rate limit", null);
        } finally {
            if (waited) {
                meters.counter("mailroom.dispatch.quota.waited", "provider", provider)
                        .increment();
                waitTimer(provider).record(Math.max(0, ticker.nanos() - start), TimeUnit.NANOSECONDS);
            }
        }
    }

    /**
     * A provider answered "rate limited": hold every dispatcher off it until its Retry-After (else
     * the default back-off).
     *
     * @return the answer, with the back-off's end as its retry time when the provider gave none
     */
    DeliveryOutcome.RetryLater rateLimited(String provider, DeliveryOutcome.RetryLater answer) {
        Instant now = clock.instant();
        Duration backoff = answer.notBefore() == null ? defaultBackoff : Duration.between(now, answer.notBefore());
        if (backoff.compareTo(MAX_BACKOFF) > 0) {
            backoff = MAX_BACKOFF;
        }
        if (backoff.isNegative() || backoff.isZero()) {
            return answer;
        }
        // Many sends in flight may get the same 429: only one that lengthens the back-off tells the others.
        if (backOff(provider, backoff)) {
            log.info(
                    "Holding every dispatcher off provider '{}' for {}: it answered 'rate limited'", provider, backoff);
            try {
                broadcast.accept(provider, backoff);
            } catch (RuntimeException e) {
                // The others learn it from their own 429s; this one holds off anyway.
                log.warn("Could not broadcast the back-off of provider '{}': {}", provider, e.toString());
            }
        }
        return answer.notBefore() == null ? answer.withNotBefore(now.plus(backoff)) : answer;
    }

    /** A back-off heard from the broker (from any dispatcher, this one too). */
    void backoffReceived(String provider, Duration backoff) {
        if (backoff.isNegative() || backoff.isZero()) {
            return;
        }
        meters.counter("mailroom.dispatch.quota.backoffs", "provider", provider).increment();
        backOff(provider, backoff.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff);
    }

    /**
     * @return whether this lengthened the provider's back-off by more than {@link #NEWS}: the same
     *     Retry-After given to many sends in flight is news only once
     */
    private boolean backOff(String provider, Duration backoff) {
        long until = ticker.nanos() + backoff.toNanos();
        long[] before = {Long.MIN_VALUE};
        backoffs.compute(provider, (p, current) -> {
            if (current == null) {
                return until;
            }
            before[0] = current;
            return Math.max(current, until);
        });
        return before[0] == Long.MIN_VALUE || until - before[0] > NEWS.toNanos();
    }

    private DeliveryOutcome.RetryLater deferred(String provider, String cause, String reason, long inNanos) {
        meters.counter("mailroom.dispatch.quota.deferred", "provider", provider, "cause", cause)
                .increment();
        return new DeliveryOutcome.RetryLater(reason, clock.instant().plusNanos(inNanos));
    }
}
