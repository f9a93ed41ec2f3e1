package dev.mailroom.contracts;

/**
 * How a publisher chooses between a queue's prompt lane and its bulk lane ({@link QueueNames#bulkLaneOf}): by the
 * rate at which one sender (an organization, as one process sees it) submits. Above {@link #DEFAULT_BULK_ABOVE}
 * emails a second (or the configured number) its further emails take the bulk lane. The rate slides: this
 * second's count plus the share of the previous second's that is still within the last second. Not thread-safe:
 * callers hold one per sender and synchronize on it.
 */
public final class BulkRate {
    /** Mailroom's and the Java client's default. */
    public static final int DEFAULT_BULK_ABOVE = 50;

    private long second = Long.MIN_VALUE;
    private int current;
    private int previous;

    /** Counts {@code emails} sent at the given time; returns the rate over the last second, these included. */
    public int add(long epochMillis, int emails) {
        long s = Math.floorDiv(epochMillis, 1000);
        if (s != second) {
            previous = s == second + 1 ? current : 0;
            current = 0;
            second = s;
        }
        current += emails;
        double elapsed = Math.floorMod(epochMillis, 1000) / 1000.0;
        return (int) (previous * (1 - elapsed)) + current;
    }

    /** Whether nothing was counted in the last second before the given time. */
    public boolean idleAt(long epochMillis) {
        return Math.floorDiv(epochMillis, 1000) > second + 1;
    }
}
