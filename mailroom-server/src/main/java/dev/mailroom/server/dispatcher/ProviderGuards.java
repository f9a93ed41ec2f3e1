package dev.mailroom.server.dispatcher;

import dev.mailroom.server.MailroomProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per provider: a circuit breaker that opens when too many recent sends were answered "try later"
 * (the provider is in trouble, so the failover list takes over for a while), and an optional
 * send-rate limit. Both are per dispatcher process.
 */
class ProviderGuards {
    /** How long a send waits for a rate-limit permit before it is deferred instead. */
    static final Duration PERMIT_WAIT = Duration.ofSeconds(2);

    private final CircuitBreakerRegistry breakers;
    private final Map<String, Integer> rateLimits;
    private final Map<String, RateLimiter> limiters = new ConcurrentHashMap<>();
    private final Duration openFor;

    ProviderGuards(MailroomProperties.Dispatcher settings) {
        MailroomProperties.CircuitBreaker cb = settings.circuitBreaker();
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(cb.window())
                .minimumNumberOfCalls(cb.minimumCalls())
                .failureRateThreshold(cb.failureRate())
                .waitDurationInOpenState(cb.openFor())
                .permittedNumberOfCallsInHalfOpenState(Math.max(1, cb.minimumCalls() / 4))
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
        this.rateLimits = settings.rateLimits();
        this.openFor = cb.openFor();
    }

    Duration openFor() {
        return openFor;
    }

    CircuitBreaker breaker(String provider) {
        return breakers.circuitBreaker(provider);
    }

    /** The provider's limiter, if a rate limit is configured for it. */
    Optional<RateLimiter> limiter(String provider) {
        Integer perSecond = rateLimits.get(provider);
        if (perSecond == null || perSecond <= 0) {
            return Optional.empty();
        }
        return Optional.of(limiters.computeIfAbsent(
                provider,
                name -> RateLimiter.of(
                        name,
                        RateLimiterConfig.custom()
                                .limitForPeriod(perSecond)
                                .limitRefreshPeriod(Duration.ofSeconds(1))
                                .timeoutDuration(PERMIT_WAIT)
                                .build())));
    }
}
