package dev.mailroom.server.operator;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** The operator's writes to dead-lettered messages (the {@code dead_letters} table); callers own the transactions. */
@Repository
@ConditionalOnRole(Role.OPERATOR)
class DeadLetterStore {
    private final JdbcTemplate jdbc;
    /** Dead letters stored (new, or opened again), by the queue they came from: one counter per known queue. */
    private final java.util.Map<String, Counter> stored = new java.util.HashMap<>();

    DeadLetterStore(JdbcTemplate jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        for (String queue : BacklogGauges.DEAD_LETTER_QUEUES) {
            stored.put(
                    queue,
                    Counter.builder("mailroom.dead.letters.stored")
                            .description("Dead letters stored (new, or opened again by a failed replay), by the"
                                    + " queue they came from")
                            .tag("queue", queue)
                            .register(meters));
        }
    }

    /**
     * Counts a dead letter once its transaction committed: a rolled-back one is stored again later (and counted
     * then). Rows inserted or opened again only; a redelivery of the same dead letter counts nothing.
     */
    private void count(String queue) {
        Counter counter = stored.getOrDefault(queue, stored.get("other"));
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    counter.increment();
                }
            });
        } else {
            counter.increment();
        }
    }

    /**
     * Dead-letters a queue message under the given row id (see {@link DeadLetters}, which makes every value
     * fit its column). The same message dead-lettered again (a redelivery) is one row; dead-lettered again after
     * it was resolved (a replay that failed the same way), its row is opened again.
     */
    void insert(UUID id, String queue, String type, String messageId, String reason, String bodyBase64, Instant now) {
        int inserted = jdbc.update(
                "INSERT INTO dead_letters (id, queue, message_type, message_id, reason, body_base64, created_at)"
                        + " VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                id,
                queue,
                type,
                messageId,
                reason,
                bodyBase64,
                Timestamps.of(now));
        int reopened = jdbc.update(
                "UPDATE dead_letters SET resolved_at = NULL, resolution = NULL, reason = ?, created_at = ?"
                        + " WHERE id = ? AND resolved_at IS NOT NULL",
                reason,
                Timestamps.of(now),
                id);
        if (inserted + reopened > 0) {
            count(queue);
        }
    }

    /** The proof headers of a dead-lettered mailbox message (V8), sent again with it on a replay. */
    void keepProof(UUID id, String keyId, String signature) {
        jdbc.update("UPDATE dead_letters SET proof_key_id = ?, proof_signature = ? WHERE id = ?", keyId, signature, id);
    }

    /** An open (unresolved) dead letter, locked for resolving; empty when unknown or already resolved. */
    java.util.Optional<DeadLetter> lockOpenDeadLetter(UUID id) {
        return jdbc
                .query(
                        "SELECT id, queue, message_type, message_id, body_base64, proof_key_id, proof_signature"
                                + " FROM dead_letters"
                                + " WHERE id = ? AND resolved_at IS NULL FOR UPDATE",
                        (rs, i) -> new DeadLetter(
                                rs.getObject("id", UUID.class),
                                rs.getString("queue"),
                                rs.getString("message_type"),
                                rs.getString("message_id"),
                                java.util.Base64.getDecoder().decode(rs.getString("body_base64")),
                                rs.getString("proof_key_id"),
                                rs.getString("proof_signature")),
                        id)
                .stream()
                .findFirst();
    }

    void resolveDeadLetter(UUID id, String resolution, Instant now) {
        jdbc.update(
                "UPDATE dead_letters SET resolved_at = ?, resolution = ? WHERE id = ?",
                Timestamps.of(now),
                resolution,
                id);
    }
}
