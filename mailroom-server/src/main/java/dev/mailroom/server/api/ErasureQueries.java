package dev.mailroom.server.api;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.api.ErasureViews.Erasure;
import dev.mailroom.server.api.ErasureViews.ErasurePage;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Read-only queries on the erasures' audit log; the operator alone writes it. Every query names the caller's
 * organization (another organization's erasure is not found): by id (the primary key), and newest first
 * ({@code erasures_by_org}).
 */
@Repository
@ConditionalOnRole(Role.API)
class ErasureQueries {
    private static final String COLUMNS = "SELECT id, state, requested_at, requested_by, completed_at, counts";

    private final JdbcTemplate jdbc;

    ErasureQueries(@Qualifier(HistoryReads.JDBC) JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Optional<Erasure> find(String organizationId, UUID id) {
        return jdbc
                .query(
                        COLUMNS + " FROM erasures WHERE id = ? AND organization_id = ?",
                        (rs, i) -> erasure(rs),
                        id,
                        organizationId)
                .stream()
                .findFirst();
    }

    ErasurePage list(String organizationId, int limit, ErasureCursor after) {
        List<Erasure> rows = after == null
                ? jdbc.query(
                        COLUMNS + " FROM erasures WHERE organization_id = ?"
                                + " ORDER BY requested_at DESC, id DESC LIMIT ?",
                        (rs, i) -> erasure(rs),
                        organizationId,
                        limit + 1)
                : jdbc.query(
                        COLUMNS + " FROM erasures WHERE organization_id = ?"
                                + " AND (requested_at < ? OR (requested_at = ? AND id < ?))"
                                + " ORDER BY requested_at DESC, id DESC LIMIT ?",
                        (rs, i) -> erasure(rs),
                        organizationId,
                        OffsetDateTime.ofInstant(after.requestedAt(), ZoneOffset.UTC),
                        OffsetDateTime.ofInstant(after.requestedAt(), ZoneOffset.UTC),
                        after.id(),
                        limit + 1);
        if (rows.size() <= limit) {
            return new ErasurePage(rows, null);
        }
        Erasure last = rows.get(limit - 1);
        return new ErasurePage(rows.subList(0, limit), new ErasureCursor(last.requestedAt(), last.id()).encode());
    }

    @SuppressWarnings("unchecked")
    private static Erasure erasure(ResultSet rs) throws SQLException {
        OffsetDateTime completed = rs.getObject("completed_at", OffsetDateTime.class);
        Map<String, Integer> counts = new LinkedHashMap<>();
        String json = rs.getString("counts");
        if (json != null) {
            ContractJson.read(json.getBytes(StandardCharsets.UTF_8), LinkedHashMap.class)
                    .forEach((table, n) -> counts.put((String) table, ((Number) n).intValue()));
        }
        return new Erasure(
                rs.getObject("id", UUID.class),
                rs.getString("state"),
                rs.getObject("requested_at", OffsetDateTime.class).toInstant(),
                rs.getString("requested_by"),
                completed == null ? null : completed.toInstant(),
                counts);
    }
}
