package dev.mailroom.server.operator;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.stereotype.Component;

/**
 * When to dispatch a deferred message again: exponential back-off from the configured first
 * delay, with up to 50% jitter so that a provider outage does not end in a synchronized stampede,
 * and never before the provider's own Retry-After.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class RetryPolicy {
    private final int maxAttempts;
    private final Duration firstDelay;
    private final Duration maxAge;
    private final Duration maxDelay;

    RetryPolicy(MailroomProperties properties) {
        this.maxAttempts = properties.operator().maxAttempts();
        this.firstDelay = properties.operator().retryBackoff();
        this.maxAge = properties.operator().maxRetryAge();
        this.maxDelay = properties.operator().maxRetryDelay();
    }

    /** No retry is planned for a message submitted longer ago than this. */
    Duration maxAge() {
        return maxAge;
    }

    boolean mayRetry(int attemptsSoFar) {
        return attemptsSoFar < maxAttempts;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    Instant nextAttemptAt(int attemptsSoFar, Instant now, Instant notBefore) {
        long base = firstDelay.toMillis() << Math.min(20, Math.max(0, attemptsSoFar - 1));
        long capped = Math.min(base, maxDelay.toMillis());
        long jittered = capped + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        Instant backoff = now.plusMillis(jittered);
        return notBefore != null && notBefore.isAfter(backoff) ? notBefore : backoff;
    }
}
