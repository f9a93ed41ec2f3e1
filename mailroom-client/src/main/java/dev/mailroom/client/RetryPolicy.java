package dev.mailroom.client;

import java.time.Duration;

/**
 * How the REST path retries what may succeed later: a connection error or timeout, 429, 502, 503, 504. Safe for
 * submissions because every attempt of one submit carries the same Idempotency-Key. A value only: {@link RestApi}
 * turns it into a resilience4j {@code Retry}, which runs the attempts.
 *
 * @param maxAttempts    attempts in all, the first included (1: no retry)
 * @param initialBackoff the wait before the second attempt; it doubles per attempt, with jitter (half to one and a
 *                       half times it); waits under 10 ms are 10 ms
 * @param maxBackoff     the longest wait between two attempts
 * @param maxRetryAfter  the longest {@code Retry-After} honoured; a longer one is answered at once (the exception
 *                       says when to come back), rather than blocking the caller for it
 */
record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {
    static final RetryPolicy DEFAULT =
            new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(60));

    RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1 (got " + maxAttempts + ")");
        }
        requirePositive("initialBackoff", initialBackoff);
        requirePositive("maxBackoff", maxBackoff);
        requirePositive("maxRetryAfter", maxRetryAfter);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or positive (got " + value + ")");
        }
    }
}
