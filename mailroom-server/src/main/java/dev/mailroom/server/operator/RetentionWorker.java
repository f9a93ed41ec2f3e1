package dev.mailroom.server.operator;

import dev.mailroom.server.BackgroundThread;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.Role;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs retention ({@link HistoryExpiry}) at the operator's start and every {@code mailroom.retention.interval} after
 * the previous run ended, on a thread of its own: a run over a long history takes many transactions, and must hold
 * neither a listener of the pipeline nor the releaser's scheduler. It keeps to {@code mailroom.retention.max-share} of
 * its time ({@link RetentionPace}). Stopping interrupts it between two batches.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class RetentionWorker extends BackgroundThread {
    private static final Logger log = LoggerFactory.getLogger(RetentionWorker.class);

    private final HistoryExpiry expiry;
    private final Duration interval;
    private final double maxShare;

    RetentionWorker(HistoryExpiry expiry, RetentionProperties properties) {
        super("operator-retention");
        this.expiry = expiry;
        this.interval = properties.interval();
        this.maxShare = properties.maxShare();
    }

    @Override
    protected void runUntilStopped() {
        while (running()) {
            try {
                long start = System.nanoTime();
                HistoryExpiry.Outcome outcome = expiry.expireAll(RetentionPace.of(
                        maxShare, () -> running() && !Thread.currentThread().isInterrupted()));
                if (outcome.deleted().values().stream().anyMatch(rows -> rows > 0)) {
                    // How long a run took, beside what it deleted: what an operator compares with the pipeline's pace.
                    log.info(
                            "Retention run done in {} ms: rows deleted {}",
                            Duration.ofNanos(System.nanoTime() - start).toMillis(),
                            outcome.deleted());
                }
            } catch (RuntimeException e) {
                // The database away, a deadlock with the pipeline: whole batches are done, the next run goes on.
                log.warn("Retention run stopped, to go on in {}: {}", interval, LogSafe.escape(Isolation.summary(e)));
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
