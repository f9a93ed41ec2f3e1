package dev.mailroom.server.operator;

import dev.mailroom.server.BackgroundThread;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.ErasureProperties;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.Role;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Carries out the recorded erasures on a thread of its own ({@link ErasureSteps}): an erasure of a long history takes
 * many transactions, and must hold neither a listener of the pipeline nor the scheduler the releaser shares. Every
 * {@code mailroom.erasure.poll-interval} (at once when a request was recorded here) it takes each erasure no operator
 * holds, for a lease it renews with every transaction; an operator that dies leaves its erasures to another once the
 * lease runs out.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class ErasureWorker extends BackgroundThread {
    private static final Logger log = LoggerFactory.getLogger(ErasureWorker.class);

    private final ErasureStore store;
    private final ErasureSteps steps;
    private final Clock clock;
    private final Duration pollInterval;
    private final Semaphore wakeUp = new Semaphore(0);

    ErasureWorker(ErasureStore store, ErasureSteps steps, Clock clock, ErasureProperties properties) {
        super("operator-erasures");
        this.store = store;
        this.steps = steps;
        this.clock = clock;
        this.pollInterval = properties.pollInterval();
    }

    /** A request was recorded: look now rather than at the next poll. */
    void wake() {
        wakeUp.release();
    }

    @Override
    protected void runUntilStopped() {
        while (running()) {
            wakeUp.drainPermits();
            try {
                for (UUID id : store.unleased(clock.instant())) {
                    if (!running()) {
                        return;
                    }
                    carryOut(id);
                }
            } catch (RuntimeException e) {
                log.warn("Looking for erasures failed, trying again in {}: {}", pollInterval, LogSafe.escape(e));
            }
            try {
                wakeUp.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void carryOut(UUID id) {
        ErasureStore.Work work =
                store.lease(id, clock.instant(), ErasureSteps.LEASE).orElse(null);
        if (work == null) {
            return;
        }
        boolean done = false;
        try {
            done = steps.carryOut(work);
        } catch (RuntimeException e) {
            log.warn("Erasure {} stopped, to be taken up again: {}", id, LogSafe.escape(Isolation.summary(e)));
        } finally {
            if (!done) {
                try {
                    // Waiting for the notifier, or failed: any operator may take it up at the next poll.
                    store.release(id);
                } catch (RuntimeException e) {
                    log.debug("Could not release erasure {}: its lease runs out instead", id, e);
                }
            }
        }
    }
}
