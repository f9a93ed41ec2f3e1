package dev.mailroom.server.operator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a batch fails for an infrastructure reason (database or broker unavailable), the
 * exception returns the batch to the queue. Waiting a moment first keeps an outage from turning
 * into a hot redelivery loop.
 */
final class OperatorFailures {
    private static final Logger log = LoggerFactory.getLogger(OperatorFailures.class);
    private static final long PAUSE_MILLIS = 1000;

    private OperatorFailures() {
    }

    static void pauseOnFailure(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("Batch failed, returning it to the queue: {}", e.toString());
            try {
                Thread.sleep(PAUSE_MILLIS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }
}
