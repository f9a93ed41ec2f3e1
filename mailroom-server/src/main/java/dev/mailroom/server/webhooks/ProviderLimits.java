package dev.mailroom.server.webhooks;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Per provider: how many webhook calls may be in progress at once (a Resilience4j bulkhead) and
 * how many may start per second (a Resilience4j rate limiter). Neither waits: a call beyond
 * either is refused at once (429, Retry-After), so a flood on one provider's URL neither queues
 * up threads nor slows the others; the provider retries what was refused.
 */
final class ProviderLimits {
    /** What a refused caller is told to wait: both limits free up within a second. */
    static final long RETRY_AFTER_SECONDS = 1;

    record Limits(Bulkhead concurrent, RateLimiter perSecond) {}

    private final Map<String, Limits> byProvider;

    ProviderLimits(Collection<String> providers, int maxConcurrentCalls, int maxCallsPerSecond) {
        BulkheadConfig bulkhead = BulkheadConfig.custom()
                .maxConcurrentCalls(maxConcurrentCalls)
                .maxWaitDuration(Duration.ZERO)
                .build();
        RateLimiterConfig rate = RateLimiterConfig.custom()
                .limitForPeriod(maxCallsPerSecond)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build();
        this.byProvider = providers.stream()
                .collect(Collectors.toUnmodifiableMap(
                        Function.identity(),
                        p -> new Limits(
                                Bulkhead.of("webhooks-" + p, bulkhead), RateLimiter.of("webhooks-" + p, rate))));
    }

    Limits of(String provider) {
        return byProvider.get(provider);
    }
}
