package dev.mailroom.server;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Erasing an address's personal data ({@code mailroom.erasure.*}; {@code POST /api/v1/recipients/erase}).
 *
 * @param hashKey      the secret under which erased addresses are kept suppressed as a keyed hash
 *                     ({@code erased_addresses}). Unset, a key derived from the installation's internal key is used,
 *                     which lives in the database: whoever can read the database can then test whether a given
 *                     address was erased (never list them). Set it (at least 32 characters, the same in every operator
 *                     process, kept outside the database) before the first erasure, and never change it: rows hashed
 *                     under another key no longer match, and those addresses would no longer be suppressed
 * @param batchSize    messages erased per transaction: each transaction locks that many messages for a moment, so
 *                     one erasure never holds back the pipeline's other messages for long
 * @param pollInterval how often the operator (and the notifier, for its delivery log) looks for erasures to carry
 *                     out; a new request wakes the operator that takes it at once
 */
@ConfigurationProperties("mailroom.erasure")
public record ErasureProperties(
        String hashKey,
        @DefaultValue("200") int batchSize,
        @DefaultValue("PT1S") Duration pollInterval) {
    public ErasureProperties {
        if (hashKey != null && hashKey.isBlank()) {
            hashKey = null;
        }
        if (hashKey != null && hashKey.length() < 32) {
            throw new IllegalArgumentException("mailroom.erasure.hash-key must be at least 32 characters");
        }
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("mailroom.erasure.batch-size must be between 1 and 1000");
        }
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("mailroom.erasure.poll-interval must be a positive duration");
        }
    }

    @Override
    public String toString() {
        // The key never goes into a log line or an actuator answer.
        return "ErasureProperties[hashKey=" + (hashKey == null ? "derived" : "set") + ", batchSize=" + batchSize
                + ", pollInterval=" + pollInterval + "]";
    }
}
