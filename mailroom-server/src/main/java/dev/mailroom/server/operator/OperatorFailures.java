package dev.mailroom.server.operator;

import dev.mailroom.server.messaging.PublishFailedException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * How a batch consumer reacts when its work fails.
 *
 * <p>The database being away (down, restarting, connections refused, a deadlock) is waited out
 * in place: the batch stays unacknowledged and is retried with back-off until the database
 * answers. Giving it back to the broker instead would count a delivery each time, and a quorum
 * queue dead-letters a message after its delivery limit: an outage must not dead-letter good mail.
 *
 * <p>A broker failure (a publish not confirmed) returns the batch to the queue after a short
 * pause, so that a persistent failure is not a hot loop. Anything else is the batch's own doing
 * (a value the database refuses, a bug a message's content provokes): the consumers find the
 * message(s) responsible with {@link Isolation} and dead-letter only those, so one message never
 * holds back the others of its batch.
 */
final class OperatorFailures {
    private static final Logger log = LoggerFactory.getLogger(OperatorFailures.class);
    private static final long FIRST_PAUSE_MILLIS = 500;
    private static final long MAX_PAUSE_MILLIS = 10_000;

    private OperatorFailures() {}

    /**
     * Runs the work; a failure that is not the database being away is rethrown after a short
     * pause, for the caller to give the batch back to the broker.
     */
    static void pauseOnFailure(Runnable work) {
        try {
            waitOutOutages(work);
        } catch (RuntimeException e) {
            if (!isDatabaseAway(e)) {
                log.warn("Batch failed, returning it to the queue: {}", e.toString());
                sleep(FIRST_PAUSE_MILLIS);
            }
            throw e;
        }
    }

    /**
     * Runs the work, waiting out a database that is away (retried with back-off, the batch held);
     * any other failure is rethrown at once. Rethrows the outage itself only when the thread is
     * interrupted (shutting down).
     */
    static void waitOutOutages(Runnable work) {
        waitOutOutages(() -> {
            work.run();
            return null;
        });
    }

    static <T> T waitOutOutages(Supplier<T> work) {
        long pause = FIRST_PAUSE_MILLIS;
        int attempt = 1;
        while (true) {
            try {
                T result = work.get();
                if (attempt > 1) {
                    log.info("Database is back; the work went through after {} attempts", attempt);
                }
                return result;
            } catch (RuntimeException e) {
                if (!isDatabaseAway(e) || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                if (attempt == 1 || attempt % 10 == 0) {
                    log.warn(
                            "Database unavailable (attempt {}); holding the batch and retrying: {}",
                            attempt,
                            e.getMessage());
                }
                sleep(pause);
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
                attempt++;
            }
        }
    }

    /**
     * True when the failure is the infrastructure's, not the batch's: the database away, the
     * broker refusing or not confirming a publish, or the thread interrupted. Such a batch is
     * waited out or given back whole; no message in it is to blame.
     */
    static boolean isInfrastructure(Throwable e) {
        if (Thread.currentThread().isInterrupted() || isDatabaseAway(e)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PublishFailedException
                    || t instanceof AmqpException
                    || t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The database (or the connection to it) is away, not refusing what was sent: Spring's
     * transient and resource-failure translations, a transaction that could not begin, commit or
     * roll back (TransactionSystemException: a connection closed under it; unless the database named
     * the data as the reason, SQLState class 22 or 23), and the drivers' own
     * connection failures (SQLState class 08, PostgreSQL's 57P shutdowns, 53 out of resources).
     */
    static boolean isDatabaseAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransientDataAccessException
                    || t instanceof DataAccessResourceFailureException
                    || t instanceof RecoverableDataAccessException
                    || t instanceof CannotCreateTransactionException
                    || (t instanceof TransactionSystemException && !isDataError(t))
                    || t instanceof SQLTransientConnectionException
                    || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
                    return true;
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    private static boolean isDataError(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("22") || sql.getSQLState().startsWith("23"))) {
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
