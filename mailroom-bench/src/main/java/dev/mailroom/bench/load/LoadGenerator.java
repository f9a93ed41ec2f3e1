package dev.mailroom.bench.load;

import dev.mailroom.bench.submit.Submitter;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Submits emails at a fixed rate (open loop: the n-th email is due at start + n/rate, whatever
 * happened to the earlier ones) or as fast as Mailroom takes them (closed by a backlog cap), for
 * at most {@code count} emails and at most {@code duration}. When Mailroom confirms too slowly
 * the in-flight cap holds the generator back; that shows as "behind schedule" in the result
 * rather than being hidden.
 */
final class LoadGenerator {
    /** What one phase did. */
    record Outcome(long submitted, long startMicros, long endMicros, long behindScheduleMaxMillis) {
        double seconds() {
            return (endMicros - startMicros) / 1e6;
        }
    }

    private final Submitter submitter;
    private final BenchEmails emails;
    private final SubmissionLog log;

    LoadGenerator(Submitter submitter, BenchEmails emails, SubmissionLog log) {
        this.submitter = submitter;
        this.emails = emails;
        this.log = log;
    }

    /**
     * @param rate    emails per second, or {@link BenchOptions#MAX_RATE}
     * @param backlog for the max rate: queue messages waiting in Mailroom now
     */
    Outcome run(int rate, long count, Duration duration, long maxBacklog, LongSupplier backlog)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(submitter.maxInFlight());
        long startNanos = System.nanoTime();
        long startMicros = Clocks.nowMicros();
        long deadline = startNanos + duration.toNanos();
        long behindMax = 0;
        long n = 0;
        for (; n < count; n++) {
            long now = System.nanoTime();
            if (now >= deadline) {
                break;
            }
            if (rate > 0) {
                long due = startNanos + (long) (n * 1e9 / rate);
                if (due > now) {
                    sleepUntil(due);
                } else {
                    behindMax = Math.max(behindMax, (now - due) / 1_000_000);
                }
            } else {
                while (backlog.getAsLong() > maxBacklog && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
            }
            if (!inFlight.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            long submittedMicros = Clocks.nowMicros();
            log.started.increment();
            try {
                submitter.submit(emails.nth(n)).whenComplete((id, error) -> {
                    inFlight.release();
                    if (error != null) {
                        log.fail(error);
                    } else {
                        log.record(id, submittedMicros, Clocks.nowMicros());
                    }
                });
            } catch (RuntimeException e) {
                inFlight.release();
                log.fail(e);
            }
        }
        long endMicros = Clocks.nowMicros();
        // Wait (bounded) for the confirms of what is in flight, so the count is final.
        inFlight.tryAcquire(submitter.maxInFlight(), 30, TimeUnit.SECONDS);
        return new Outcome(n, startMicros, endMicros, behindMax);
    }

    private static void sleepUntil(long dueNanos) {
        long left;
        while ((left = dueNanos - System.nanoTime()) > 0) {
            // parkNanos oversleeps by ~50-100 µs; fine at any rate this machine can take.
            LockSupport.parkNanos(left);
        }
    }
}
