package dev.mailroom.server.operator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * How a batch consumer reacts when its work fails.
 *
 * <p>The database being away (down, restarting, connections refused, a deadlock) is waited out
 * in place: the batch stays unacknowledged and is retried with back-off until the database
 * answers. Giving it back to the broker instead would count a delivery each time, and a quorum
 * queue dead-letters a message after its delivery limit: an outage must not park good mail.
 *
 * <p>Anything else (a bug, a broker failure) returns the batch to the queue after a short pause,
 * so that a persistent failure is not a hot loop.
 */
final class OperatorFailures {
    private static final Logger log = LoggerFactory.getLogger(OperatorFailures.class);
    private static final long FIRST_PAUSE_MILLIS = 500;
    private static final long MAX_PAUSE_MILLIS = 10_000;

    private OperatorFailures() {
    }

    static void pauseOnFailure(Runnable work) {
        long pause = FIRST_PAUSE_MILLIS;
        int attempt = 1;
        while (true) {
            try {
                work.run();
                if (attempt > 1) {
                    log.info("Database is back; the batch went through after {} attempts", attempt);
                }
                return;
            } catch (RuntimeException e) {
                boolean databaseAway = isDatabaseAway(e);
                if (databaseAway) {
                    if (attempt == 1 || attempt % 10 == 0) {
                        log.warn("Database unavailable (attempt {}); holding the batch and retrying: {}", attempt, e.getMessage());
                    }
                } else {
                    log.warn("Batch failed, returning it to the queue: {}", e.toString());
                }
                sleep(databaseAway ? pause : FIRST_PAUSE_MILLIS);
                if (!databaseAway || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
                attempt++;
            }
        }
    }

    static boolean isDatabaseAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransientDataAccessException || t instanceof DataAccessResourceFailureException
                    || t instanceof RecoverableDataAccessException || t instanceof CannotCreateTransactionException) {
                return true;
            }
        }
        return false;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            // Shutting down: keep the flag so the caller gives the batch back.
            Thread.currentThread().interrupt();
        }
    }
}
