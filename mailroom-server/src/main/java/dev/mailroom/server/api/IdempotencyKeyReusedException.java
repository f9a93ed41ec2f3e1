package dev.mailroom.server.api;

import java.time.Duration;
import java.util.UUID;

/** An {@code Idempotency-Key} sent again, within its window, with a request that means something else (409). */
class IdempotencyKeyReusedException extends RuntimeException {
    static final String FIELD = "Idempotency-Key";

    IdempotencyKeyReusedException(String key, UUID messageId, Duration window) {
        this("Idempotency-Key '" + key + "' was already used with another body, for message " + messageId
                + "; it keeps naming that message for " + window
                + " after it was recorded: send a new key for a new email");
    }

    private IdempotencyKeyReusedException(String detail) {
        super(detail);
    }

    /** A batch's key that names messages of another batch (at least {@code messageId}). */
    static IdempotencyKeyReusedException forBatch(String key, UUID messageId, Duration window) {
        return new IdempotencyKeyReusedException("Idempotency-Key '" + key
                + "' was already used with another batch (another body), whose emails include message " + messageId
                + "; it keeps naming that batch's emails for " + window
                + " after they were recorded: send a new key for a new batch");
    }
}
