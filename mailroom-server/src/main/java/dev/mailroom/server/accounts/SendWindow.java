package dev.mailroom.server.accounts;

import java.time.Duration;

/**
 * The rolling windows a send limit counts over. Each window is counted in buckets of {@link #span()}; a
 * window's usage is the sum of its last {@link #buckets()} buckets, one more than the window holds, so the
 * counted time is between the window's length and one bucket longer: a limit is never exceeded in any
 * window of that length, at the price of waiting up to one bucket longer than strictly needed.
 */
public enum SendWindow {
    PER_SECOND("per-second", Duration.ofSeconds(1), Duration.ofMillis(100)),
    PER_MINUTE("per-minute", Duration.ofMinutes(1), Duration.ofSeconds(1)),
    PER_HOUR("per-hour", Duration.ofHours(1), Duration.ofMinutes(1)),
    PER_DAY("per-day", Duration.ofDays(1), Duration.ofMinutes(15));

    private final String value;
    private final Duration length;
    private final Duration span;

    SendWindow(String value, Duration length, Duration span) {
        this.value = value;
        this.length = length;
        this.span = span;
    }

    /** The name in properties, problem details and headers ({@code per-minute}). */
    public String value() {
        return value;
    }

    public Duration length() {
        return length;
    }

    long spanMillis() {
        return span.toMillis();
    }

    /** How many buckets are summed: the window's, and the one it started in. */
    long buckets() {
        return length.toMillis() / span.toMillis() + 1;
    }

    long bucketAt(long epochMillis) {
        return Math.floorDiv(epochMillis, spanMillis());
    }

    /** The oldest bucket still counted at the given time. */
    long oldestCountedAt(long epochMillis) {
        return bucketAt(epochMillis) - buckets() + 1;
    }

    /** When a bucket stops being counted. */
    long expiryMillisOf(long bucket) {
        return (bucket + buckets()) * spanMillis();
    }
}
