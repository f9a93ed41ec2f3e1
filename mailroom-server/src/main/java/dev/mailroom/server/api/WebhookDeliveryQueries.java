package dev.mailroom.server.api;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/** Reads an endpoint's delivery log (the notifier writes it), for the webhook endpoints' routes. */
@Repository
@ConditionalOnRole(Role.API)
class WebhookDeliveryQueries {
    /** A delivery as the log shows it, and what a replay sends again. */
    record Delivery(
            UUID id,
            String eventId,
            String eventType,
            Instant occurredAt,
            String state,
            int attempts,
            Instant nextAttemptAt,
            Instant lastAttemptAt,
            Integer lastStatus,
            Instant createdAt,
            Map<String, Object> payload) {}

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final JdbcTemplate primary;

    /**
     * @param jdbc    the delivery log (history: a replica for GET requests, HistoryReads)
     * @param primary the main datasource, for the endpoint itself: an accounts' row, created by this API a moment
     *                before its log is asked for, which a replica may not have yet
     */
    WebhookDeliveryQueries(@Qualifier(HistoryReads.JDBC) JdbcTemplate jdbc, JdbcTemplate primary) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.primary = primary;
    }

    /** The endpoint's organization, if the endpoint exists (read from the primary). */
    Optional<String> organizationOf(UUID endpointId) {
        return primary
                .queryForList("SELECT organization_id FROM webhook_endpoints WHERE id = ?", String.class, endpointId)
                .stream()
                .findFirst();
    }

    /** A page of the log, newest first, after {@code cursor}; each delivery with its attempts. */
    List<Map<String, Object>> page(
            UUID endpointId, String state, Instant since, Instant until, PageCursor cursor, int limit) {
        StringBuilder sql = new StringBuilder(
                "SELECT id, event_id, event_type, occurred_at, state, attempts, next_attempt_at, last_attempt_at,"
                        + " last_status, created_at, payload FROM webhook_deliveries WHERE endpoint_id = :endpoint");
        MapSqlParameterSource params = new MapSqlParameterSource("endpoint", endpointId);
        if (state != null) {
            sql.append(" AND state = :state");
            params.addValue("state", state);
        }
        if (since != null) {
            sql.append(" AND created_at >= :since");
            params.addValue("since", at(since));
        }
        if (until != null) {
            sql.append(" AND created_at < :until");
            params.addValue("until", at(until));
        }
        if (cursor != null) {
            sql.append(" AND (created_at < :cursorAt OR (created_at = :cursorAt AND id < :cursorId))");
            params.addValue("cursorAt", at(cursor.createdAt())).addValue("cursorId", cursor.id());
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT :limit");
        params.addValue("limit", limit);
        List<Delivery> deliveries = named.query(sql.toString(), params, (rs, n) -> delivery(rs));
        Map<UUID, List<Map<String, Object>>> attempts =
                attemptsOf(deliveries.stream().map(Delivery::id).toList());
        List<Map<String, Object>> items = new ArrayList<>();
        for (Delivery d : deliveries) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("id", d.id());
            item.put("eventId", d.eventId());
            item.put("eventType", d.eventType());
            item.put("occurredAt", d.occurredAt());
            item.put("state", d.state());
            item.put("attemptCount", d.attempts());
            item.put("nextAttemptAt", d.nextAttemptAt());
            item.put("lastAttemptAt", d.lastAttemptAt());
            item.put("lastStatus", d.lastStatus());
            item.put("createdAt", d.createdAt());
            item.put("payload", d.payload());
            item.put("attempts", attempts.getOrDefault(d.id(), List.of()));
            items.add(item);
        }
        return items;
    }

    /** The endpoint's delivery of an event (by its webhook-id), if any. */
    Optional<Delivery> byEvent(UUID endpointId, String eventId) {
        return jdbc
                .query(
                        "SELECT id, event_id, event_type, occurred_at, state, attempts, next_attempt_at,"
                                + " last_attempt_at, last_status, created_at, payload FROM webhook_deliveries"
                                + " WHERE endpoint_id = ? AND event_id = ?",
                        (rs, n) -> delivery(rs),
                        endpointId,
                        eventId)
                .stream()
                .findFirst();
    }

    /** The endpoint's deliveries of events that occurred in [since, until), oldest first, at most {@code max}. */
    List<Delivery> inRange(UUID endpointId, Instant since, Instant until, int max) {
        return jdbc.query(
                "SELECT id, event_id, event_type, occurred_at, state, attempts, next_attempt_at, last_attempt_at,"
                        + " last_status, created_at, payload FROM webhook_deliveries"
                        + " WHERE endpoint_id = ? AND occurred_at >= ? AND occurred_at < ? ORDER BY occurred_at"
                        + " LIMIT ?",
                (rs, n) -> delivery(rs),
                endpointId,
                at(since),
                at(until),
                max);
    }

    private Map<UUID, List<Map<String, Object>>> attemptsOf(List<UUID> deliveryIds) {
        Map<UUID, List<Map<String, Object>>> found = new HashMap<>();
        if (deliveryIds.isEmpty()) {
            return found;
        }
        named.query(
                "SELECT delivery_id, attempt, attempted_at, status_code, latency_ms, response_excerpt, error"
                        + " FROM webhook_attempts WHERE delivery_id IN (:ids) ORDER BY delivery_id, attempt",
                new MapSqlParameterSource("ids", deliveryIds),
                rs -> {
                    Map<String, Object> attempt = new LinkedHashMap<>();
                    attempt.put("attempt", rs.getInt("attempt"));
                    attempt.put("attemptedAt", instant(rs, "attempted_at"));
                    attempt.put("statusCode", rs.getObject("status_code"));
                    attempt.put("latencyMs", rs.getInt("latency_ms"));
                    attempt.put("responseExcerpt", rs.getString("response_excerpt"));
                    attempt.put("error", rs.getString("error"));
                    found.computeIfAbsent(rs.getObject("delivery_id", UUID.class), k -> new ArrayList<>())
                            .add(attempt);
                });
        return found;
    }

    @SuppressWarnings("unchecked")
    private static Delivery delivery(ResultSet rs) throws SQLException {
        Integer lastStatus = (Integer) rs.getObject("last_status");
        return new Delivery(
                rs.getObject("id", UUID.class),
                rs.getString("event_id"),
                rs.getString("event_type"),
                instant(rs, "occurred_at"),
                rs.getString("state"),
                rs.getInt("attempts"),
                instant(rs, "next_attempt_at"),
                instant(rs, "last_attempt_at"),
                lastStatus,
                instant(rs, "created_at"),
                ContractJson.read(rs.getString("payload").getBytes(StandardCharsets.UTF_8), Map.class));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
