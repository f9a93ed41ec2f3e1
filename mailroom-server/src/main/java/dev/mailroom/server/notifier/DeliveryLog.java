package dev.mailroom.server.notifier;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.notifier.WebhookClient.Answer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The notifier's two tables: {@code webhook_deliveries} (one row per endpoint and event, its state) and
 * {@code webhook_attempts} (every attempt). The only code that writes them.
 */
@Repository
@ConditionalOnRole(Role.NOTIFIER)
class DeliveryLog {
    static final String PENDING = "pending";
    static final String DELIVERED = "delivered";
    static final String FAILED = "failed";

    /** A delivery: what is sent to which endpoint. {@code eventId} is the webhook-id. */
    record Delivery(
            UUID id,
            UUID endpointId,
            String organizationId,
            String eventId,
            String eventType,
            String payload,
            Instant occurredAt) {}

    /** What is known of a delivery already. */
    record Known(String state, int attempts) {}

    /** One attempt made. */
    record Attempt(int number, Instant at, Answer answer) {}

    /**
     * A delivery's state after this pass, and the attempt made in it (if any).
     *
     * @param force  whether it may change a delivered row (a replay's outcome); otherwise a delivered row stays so
     * @param logged whether the delivery's row was in the log before this pass: a new one is only inserted (if another
     *               notifier inserted it meanwhile, that one's outcome stands), a logged one only updated
     */
    record Update(
            Delivery delivery,
            String state,
            int attempts,
            Instant nextAttemptAt,
            Attempt attempt,
            boolean force,
            boolean logged) {}

    /** A due delivery taken by this notifier, and the attempts made so far. */
    record Claimed(Delivery delivery, int attempts) {}

    /** An endpoint's failures since its last success. */
    record Streak(int failures, Instant since, String lastError) {}

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final TransactionTemplate tx;

    DeliveryLog(
            @Qualifier(NotifierDatabase.POOL) JdbcTemplate jdbc,
            @Qualifier(NotifierDatabase.POOL) TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.tx = tx;
    }

    Map<UUID, Known> known(Collection<UUID> ids) {
        Map<UUID, Known> known = new HashMap<>();
        if (ids.isEmpty()) {
            return known;
        }
        named.query(
                "SELECT id, state, attempts FROM webhook_deliveries WHERE id IN (:ids)",
                new MapSqlParameterSource("ids", ids),
                rs -> {
                    known.put(rs.getObject("id", UUID.class), new Known(rs.getString("state"), rs.getInt("attempts")));
                });
        return known;
    }

    /** Writes every delivery's state and every attempt of a pass in one transaction. */
    void write(List<Update> updates, Instant now) {
        if (updates.isEmpty()) {
            return;
        }
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> withAttempt = new ArrayList<>();
        List<Object[]> withoutAttempt = new ArrayList<>();
        List<Object[]> attempts = new ArrayList<>();
        for (Update u : updates) {
            Delivery d = u.delivery();
            Attempt a = u.attempt();
            if (a != null) {
                attempts.add(new Object[] {
                    d.id(),
                    a.number(),
                    at(a.at()),
                    a.answer().status(),
                    a.answer().latencyMillis(),
                    a.answer().excerpt(),
                    a.answer().error()
                });
            }
            if (!u.logged()) {
                inserts.add(new Object[] {
                    d.id(),
                    d.endpointId(),
                    d.organizationId(),
                    d.eventId(),
                    d.eventType(),
                    d.payload(),
                    at(d.occurredAt()),
                    u.state(),
                    u.attempts(),
                    at(u.nextAttemptAt()),
                    a == null ? null : at(a.at()),
                    a == null ? null : a.answer().status(),
                    at(now),
                    at(now)
                });
            } else if (a == null) {
                withoutAttempt.add(
                        new Object[] {u.state(), u.attempts(), at(u.nextAttemptAt()), at(now), d.id(), u.force()});
            } else {
                withAttempt.add(new Object[] {
                    u.state(),
                    u.attempts(),
                    at(u.nextAttemptAt()),
                    at(a.at()),
                    a.answer().status(),
                    at(now),
                    d.id(),
                    u.force()
                });
            }
        }
        tx.executeWithoutResult(status -> {
            if (!inserts.isEmpty()) {
                jdbc.batchUpdate(
                        "INSERT INTO webhook_deliveries (id, endpoint_id, organization_id, event_id, event_type, payload,"
                                + " occurred_at, state, attempts, next_attempt_at, last_attempt_at, last_status, created_at,"
                                + " updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                        inserts);
            }
            // A delivered row stays delivered (a late answer, a second notifier), but for a replay's own outcome.
            if (!withAttempt.isEmpty()) {
                jdbc.batchUpdate(
                        "UPDATE webhook_deliveries SET state = ?, attempts = GREATEST(attempts, ?), next_attempt_at = ?,"
                                + " last_attempt_at = ?, last_status = ?, updated_at = ?"
                                + " WHERE id = ? AND (? OR state <> 'delivered')",
                        withAttempt);
            }
            if (!withoutAttempt.isEmpty()) {
                jdbc.batchUpdate(
                        "UPDATE webhook_deliveries SET state = ?, attempts = GREATEST(attempts, ?), next_attempt_at = ?,"
                                + " updated_at = ? WHERE id = ? AND (? OR state <> 'delivered')",
                        withoutAttempt);
            }
            if (!attempts.isEmpty()) {
                jdbc.batchUpdate(
                        "INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, latency_ms,"
                                + " response_excerpt, error) VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                        attempts);
            }
        });
    }

    /**
     * Takes up to {@code limit} due pending deliveries of enabled endpoints, longest due first (the due index's order:
     * the scan stops at the limit however many are due), and holds them until
     * {@code leaseUntil} (their attempt's outcome sets the next time): rows another notifier holds are skipped, so
     * several notifiers share the retries.
     */
    List<Claimed> claimDue(Instant now, int limit, Instant leaseUntil) {
        return tx.execute(status -> {
            List<Claimed> claimed = jdbc.query(
                    "SELECT d.id, d.endpoint_id, d.organization_id, d.event_id, d.event_type, d.payload, d.occurred_at,"
                            + " d.attempts FROM webhook_deliveries d WHERE d.next_attempt_at <= ? AND d.state = 'pending'"
                            + " AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.id = d.endpoint_id AND e.enabled)"
                            + " ORDER BY d.next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED",
                    (rs, n) -> new Claimed(
                            new Delivery(
                                    rs.getObject("id", UUID.class),
                                    rs.getObject("endpoint_id", UUID.class),
                                    rs.getString("organization_id"),
                                    rs.getString("event_id"),
                                    rs.getString("event_type"),
                                    rs.getString("payload"),
                                    rs.getObject("occurred_at", OffsetDateTime.class)
                                            .toInstant()),
                            rs.getInt("attempts")),
                    at(now),
                    limit);
            if (!claimed.isEmpty()) {
                jdbc.batchUpdate(
                        "UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?",
                        claimed.stream()
                                .map(c -> new Object[] {
                                    at(leaseUntil), c.delivery().id()
                                })
                                .toList());
            }
            return claimed;
        });
    }

    /** The endpoint's attempts since its last success: how many, since when, and the last one's problem. */
    Streak streak(UUID endpointId) {
        OffsetDateTime lastSuccess = jdbc.queryForObject(
                "SELECT MAX(a.attempted_at) FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id"
                        + " WHERE d.endpoint_id = ? AND a.status_code BETWEEN 200 AND 299",
                OffsetDateTime.class,
                endpointId);
        OffsetDateTime after =
                lastSuccess == null ? OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC) : lastSuccess;
        String join = " FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id"
                + " WHERE d.endpoint_id = ? AND a.attempted_at > ?";
        Streak counted = jdbc.queryForObject(
                "SELECT COUNT(*) AS n, MIN(a.attempted_at) AS since" + join,
                (rs, n) -> {
                    OffsetDateTime since = rs.getObject("since", OffsetDateTime.class);
                    return new Streak(rs.getInt("n"), since == null ? null : since.toInstant(), null);
                },
                endpointId,
                after);
        if (counted == null || counted.failures() == 0) {
            return new Streak(0, null, null);
        }
        List<String> last = jdbc.query(
                "SELECT a.status_code, a.error" + join + " ORDER BY a.attempted_at DESC LIMIT 1",
                (rs, n) -> {
                    int code = rs.getInt("status_code");
                    return rs.wasNull() ? rs.getString("error") : "HTTP " + code;
                },
                endpointId,
                after);
        return new Streak(counted.failures(), counted.since(), last.isEmpty() ? null : last.get(0));
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
