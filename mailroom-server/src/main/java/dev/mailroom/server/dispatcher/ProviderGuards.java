package dev.mailroom.server.dispatcher;

import dev.mailroom.server.MailroomProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * Per provider: a circuit breaker that opens when too many recent sends were answered "try later"
 * (the provider is in trouble, so the failover list takes over for a while), per dispatcher
 * process; and the send-rate limit and 429 back-off, shared by every dispatcher
 * ({@link ProviderQuotas}), which never count as trouble.
 */
class ProviderGuards {
    private final CircuitBreakerRegistry breakers;
    private final Duration openFor;
    private final ProviderQuotas quotas;

    /**
     * @param meters where Resilience4j's own meters of the breakers go ({@code resilience4j_circuitbreaker_state
     *     {name=<provider>,state}}, {@code resilience4j_circuitbreaker_calls_seconds{name,kind}},
     *     {@code resilience4j_circuitbreaker_failure_rate{name}}, ...), each breaker's as soon as it exists
     */
    ProviderGuards(MailroomProperties.Dispatcher settings, ProviderQuotas quotas, MeterRegistry meters) {
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
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        this.openFor = cb.openFor();
        this.quotas = quotas;
    }

    Duration openFor() {
        return openFor;
    }

    CircuitBreaker breaker(String provider) {
        return breakers.circuitBreaker(provider);
    }

    ProviderQuotas quotas() {
        return quotas;
    }
}
