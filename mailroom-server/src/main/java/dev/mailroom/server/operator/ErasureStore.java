package dev.mailroom.server.operator;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.ErasureRequest;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The erasures' own tables: the audit log ({@code erasures}: who asked, when, when done, rows changed per table; no
 * personal data) and the work in progress ({@code erasure_work}: the address, until the erasure is done). Callers own
 * the transactions.
 */
@Repository
@ConditionalOnRole(Role.OPERATOR)
class ErasureStore {
    static final String REQUESTED = "requested";
    static final String DONE = "done";
    /** The operator's own tables are being erased. */
    static final String HISTORY = "history";
    /** Waiting for the notifier's part (its delivery log). */
    static final String DELIVERIES = "deliveries";

    /** Every table an erasure counts, in the order the audit row shows them. */
    static final List<String> TABLES = List.of(
            "messages",
            "message_recipients",
            "message_contents",
            "message_tags",
            "activities",
            "idempotency_keys",
            "suppressions",
            "soft_bounce_streaks",
            "dead_letters",
            "members",
            "member_search_terms",
            "webhook_deliveries",
            "webhook_attempts");

    /** An erasure to carry out. */
    record Work(UUID erasureId, String organizationId, String email, String stage) {}

    private final JdbcTemplate jdbc;

    ErasureStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records a request: its audit row and its work. A request recorded before (a redelivery, a second publish) changes
     * nothing: one audit row, and no work again for an erasure that is done.
     *
     * @return whether this call recorded it
     */
    boolean record(ErasureRequest request, Instant now) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        TABLES.forEach(t -> counts.put(t, 0));
        int recorded = jdbc.update(
                "INSERT INTO erasures (id, organization_id, requested_by, requested_at, recorded_at, state, counts)"
                        + " VALUES (?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                request.erasureId(),
                request.organizationId(),
                request.requestedBy(),
                Timestamps.of(request.requestedAt()),
                Timestamps.of(now),
                REQUESTED,
                json(counts));
        if (recorded == 1) {
            jdbc.update(
                    "INSERT INTO erasure_work (erasure_id, organization_id, email, stage) VALUES (?,?,?,?)",
                    request.erasureId(),
                    request.organizationId(),
                    request.email(),
                    HISTORY);
        }
        return recorded == 1;
    }

    /** The erasures no operator works on now (none has, or its lease ran out), oldest first. */
    List<UUID> unleased(Instant now) {
        return jdbc.queryForList(
                "SELECT erasure_id FROM erasure_work WHERE lease_until IS NULL OR lease_until < ? ORDER BY erasure_id",
                UUID.class,
                Timestamps.of(now));
    }

    /** Takes an erasure for {@code lease} unless another operator holds it: empty when it does (or it is done). */
    Optional<Work> lease(UUID erasureId, Instant now, Duration lease) {
        int taken = jdbc.update(
                "UPDATE erasure_work SET lease_until = ? WHERE erasure_id = ? AND (lease_until IS NULL OR lease_until < ?)",
                Timestamps.of(now.plus(lease)),
                erasureId,
                Timestamps.of(now));
        return taken == 1 ? find(erasureId, "") : Optional.empty();
    }

    /** Extends this operator's lease. */
    void renew(UUID erasureId, Instant until) {
        jdbc.update("UPDATE erasure_work SET lease_until = ? WHERE erasure_id = ?", Timestamps.of(until), erasureId);
    }

    /** Gives the erasure back, for any operator (this one included) to take at once. */
    void release(UUID erasureId) {
        jdbc.update("UPDATE erasure_work SET lease_until = NULL WHERE erasure_id = ?", erasureId);
    }

    /**
     * Locks the erasure's work row, which every transaction of an erasure takes first: two operators (one whose lease
     * ran out while it still worked) never change rows of one erasure at the same time, so each change is counted
     * once. Empty when it is done already.
     */
    Optional<Work> lock(UUID erasureId) {
        return find(erasureId, " FOR UPDATE");
    }

    private Optional<Work> find(UUID erasureId, String lock) {
        return jdbc
                .query(
                        "SELECT erasure_id, organization_id, email, stage FROM erasure_work WHERE erasure_id = ?"
                                + lock,
                        (rs, i) -> new Work(
                                rs.getObject("erasure_id", UUID.class),
                                rs.getString("organization_id"),
                                rs.getString("email"),
                                rs.getString("stage")),
                        erasureId)
                .stream()
                .findFirst();
    }

    /** Adds rows changed to the audit row's counts, in the transaction that changed them. */
    void addCounts(UUID erasureId, Map<String, Integer> changed) {
        if (changed.values().stream().allMatch(n -> n == 0)) {
            return;
        }
        String stored =
                jdbc.queryForObject("SELECT counts FROM erasures WHERE id = ? FOR UPDATE", String.class, erasureId);
        Map<String, Integer> counts = new LinkedHashMap<>();
        TABLES.forEach(t -> counts.put(t, 0));
        readCounts(stored).forEach((table, n) -> counts.put(table, n.intValue()));
        changed.forEach((table, n) -> counts.merge(table, n, Integer::sum));
        jdbc.update("UPDATE erasures SET counts = ? WHERE id = ?", json(counts), erasureId);
    }

    void toStage(UUID erasureId, String stage) {
        jdbc.update("UPDATE erasure_work SET stage = ? WHERE erasure_id = ?", stage, erasureId);
    }

    /** Done: the audit row says when, and the address goes with the work row. */
    void complete(UUID erasureId, Instant now) {
        jdbc.update(
                "UPDATE erasures SET state = ?, completed_at = ? WHERE id = ?", DONE, Timestamps.of(now), erasureId);
        jdbc.update("DELETE FROM erasure_work WHERE erasure_id = ?", erasureId);
    }

    /** Whether the organization has any webhook delivery the notifier would have to erase. */
    boolean hasWebhookDeliveries(String organizationId) {
        return !jdbc.queryForList(
                        "SELECT 1 FROM webhook_deliveries WHERE organization_id = ? LIMIT 1",
                        Integer.class,
                        organizationId)
                .isEmpty();
    }

    /** The notifier's counts once it has done its part ({@code webhook_erasures}); empty until then. */
    Optional<Map<String, Integer>> notifierPart(UUID erasureId) {
        return jdbc
                .query(
                        "SELECT deliveries, attempts FROM webhook_erasures WHERE erasure_id = ? AND completed_at IS NOT NULL",
                        (rs, i) -> Map.of(
                                "webhook_deliveries", rs.getInt("deliveries"),
                                "webhook_attempts", rs.getInt("attempts")),
                        erasureId)
                .stream()
                .findFirst();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Number> readCounts(String json) {
        return json == null ? Map.of() : ContractJson.read(json.getBytes(StandardCharsets.UTF_8), Map.class);
    }

    private static String json(Map<String, Integer> counts) {
        return new String(ContractJson.write(counts), StandardCharsets.UTF_8);
    }
}
