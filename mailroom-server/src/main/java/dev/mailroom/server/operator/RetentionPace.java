package dev.mailroom.server.operator;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Keeps a retention run to its share of the time ({@code mailroom.retention.max-share}): asked before each batch
 * whether to go on, it first waits long enough that the batches since the run began took at most that share of the
 * run's time. Deleting an email costs the database about what storing it did (rows, index entries, WAL), so a large
 * expiry run at full speed, after retention was shortened or on a first start over a long history, took half the
 * pipeline's throughput in the benchmark; paced, it spreads the same work over a longer time.
 */
final class RetentionPace implements BooleanSupplier {
    /** Waits, in nanoseconds; false when interrupted (the operator stopping). */
    interface Sleeper {
        boolean sleep(long nanos);
    }

    private final double share;
    private final BooleanSupplier goOn;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final long start;
    private long waited;

    RetentionPace(double share, BooleanSupplier goOn, LongSupplier nanoTime, Sleeper sleeper) {
        this.share = share;
        this.goOn = goOn;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.start = nanoTime.getAsLong();
    }

    static RetentionPace of(double share, BooleanSupplier goOn) {
        return new RetentionPace(share, goOn, System::nanoTime, RetentionPace::sleepNanos);
    }

    @Override
    public boolean getAsBoolean() {
        if (!goOn.getAsBoolean()) {
            return false;
        }
        long elapsed = nanoTime.getAsLong() - start;
        long worked = elapsed - waited;
        // worked <= share * (worked + waited + pause)
        long pause = (long) (worked / share) - elapsed;
        if (pause > 0) {
            if (!sleeper.sleep(pause)) {
                return false;
            }
            waited += pause;
        }
        return goOn.getAsBoolean();
    }

    private static boolean sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
