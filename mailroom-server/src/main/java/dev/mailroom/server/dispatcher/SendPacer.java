package dev.mailroom.server.dispatcher;

/**
 * Spaces sends evenly at a rate that may change at any time: each permit is a time slot
 * {@code 1 / rate} after the previous one (a generic cell rate algorithm with no burst). A share like
 * 16.67/s is one send every 60 ms, not 16 or 17 per whole second, and an idle pacer saves nothing up,
 * so no wall-clock second sees more than the rate (plus the one send on its edge). Resilience4j's
 * limiter, used before, cannot change its refresh period at run time, and rounds such shares to
 * whole permits per period. Thread-safe.
 */
final class SendPacer {
    private long nextSlot = Long.MIN_VALUE; // guarded by this

    /**
     * Takes the next slot if it comes within {@code maxWaitNanos}.
     *
     * @return nanoseconds to wait until the slot taken (0: now), or -1 when the next slot is further
     *     away than that (nothing is taken)
     */
    synchronized long reserve(long now, double perSecond, long maxWaitNanos) {
        if (perSecond <= 0) {
            return -1;
        }
        long slot = Math.max(now, nextSlot);
        long wait = slot - now;
        if (wait > maxWaitNanos) {
            return -1;
        }
        nextSlot = slot + Math.max(1, Math.round(1e9 / perSecond));
        return wait;
    }

    /** How far ahead the next free slot is (0 when one is free now). */
    synchronized long backlog(long now) {
        return Math.max(0, nextSlot - now);
    }
}
