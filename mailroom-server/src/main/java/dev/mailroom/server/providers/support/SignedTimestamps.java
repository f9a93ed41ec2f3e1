package dev.mailroom.server.providers.support;

import java.time.Duration;
import java.time.Instant;

/**
 * Freshness of a signed webhook's Unix timestamp, without overflow. {@code now - t} overflows
 * for a {@code t} near {@code Long.MIN_VALUE} or {@code Long.MAX_VALUE}, and
 * {@code Math.abs(Long.MIN_VALUE)} is negative: a forged timestamp could pass as fresh. Here the
 * difference saturates, so any timestamp that far off is simply old (or future).
 */
public final class SignedTimestamps {
    private SignedTimestamps() {}

    /** {@code now - epochSeconds} in seconds, saturated to {@code Long.MIN_VALUE..Long.MAX_VALUE}. */
    public static long age(long epochSeconds, Instant now) {
        long nowSeconds = now.getEpochSecond();
        try {
            return Math.subtractExact(nowSeconds, epochSeconds);
        } catch (ArithmeticException overflow) {
            return epochSeconds < nowSeconds ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
    }

    /** Whether {@code epochSeconds} is at most {@code tolerance} before or after {@code now}. */
    public static boolean isWithin(long epochSeconds, Instant now, Duration tolerance) {
        long max = Math.max(0, tolerance.getSeconds());
        long age = age(epochSeconds, now);
        return age >= -max && age <= max;
    }
}
