package dev.mailroom.server.dispatcher;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.DoubleSupplier;

/**
 * Spaces one dispatcher's sends to a provider evenly at a rate that may change at any time: one
 * send every {@code 1 / rate}. A share like 16.67/s is one send every 60 ms, not 16 or 17 per whole
 * second, and an idle pacer saves nothing up, so no wall-clock second sees more than the rate (plus
 * the one send on its edge). Resilience4j's limiter, used before, cannot change its refresh period at
 * run time and rounds such shares to whole permits per period.
 *
 * <p>Senders queue for their turn (a fair lock: first come, first served) and the one at the head
 * waits for the next slot itself. A turn is decided when it is taken, not reserved ahead: a sender
 * that wakes late (a busy machine, a GC pause) takes the next slot from the time it woke, so a stall
 * is never followed by a burst of sends whose slots had passed meanwhile (seen with reservations made
 * ahead: 84 sends in one second at a limit of 50, after a stall of the dispatchers).
 */
final class SendPacer {
    private static final long NO_SHARE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** A turn: taken (after waiting or not), or refused with when it would have come. */
    record Turn(boolean granted, boolean waited, long comesInNanos) {}

    private final ReentrantLock turns = new ReentrantLock(true);
    private boolean started; // guarded by turns
    private long nextSlot; // guarded by turns
    private volatile long lastInterval = TimeUnit.SECONDS.toNanos(1);

    /**
     * Waits for the next slot at {@code perSecond} (read afresh at every step), unless it comes after
     * {@code deadline}.
     */
    Turn take(ProviderQuotas.Ticker ticker, DoubleSupplier perSecond, long deadline) throws InterruptedException {
        long start = ticker.nanos();
        if (!turns.tryLock(Math.max(0, deadline - start), TimeUnit.NANOSECONDS)) {
            // Everyone queued before this one goes first.
            return new Turn(false, true, (turns.getQueueLength() + 1) * lastInterval);
        }
        try {
            boolean waited = ticker.nanos() - start > TimeUnit.MILLISECONDS.toNanos(1);
            while (true) {
                long now = ticker.nanos();
                double rate = perSecond.getAsDouble();
                if (rate <= 0) {
                    if (now >= deadline) {
                        return new Turn(false, waited, 0);
                    }
                    ticker.sleep(Math.min(NO_SHARE_POLL_NANOS, deadline - now));
                    waited = true;
                    continue;
                }
                long interval = Math.max(1, Math.round(1e9 / rate));
                lastInterval = interval;
                long wait = started ? nextSlot - now : 0;
                if (wait <= 0) {
                    // Late by less than a slot keeps the cadence; later than that starts afresh from now.
                    nextSlot = started && -wait < interval ? nextSlot + interval : now + interval;
                    started = true;
                    return new Turn(true, waited, 0);
                }
                if (now + wait > deadline) {
                    return new Turn(false, waited, wait + turns.getQueueLength() * interval);
                }
                ticker.sleep(wait);
                waited = true;
            }
        } finally {
            turns.unlock();
        }
    }
}
