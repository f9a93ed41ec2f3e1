package dev.mailroom.server.api;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LikePattern;
import dev.mailroom.server.Role;
import dev.mailroom.server.api.SuppressionsViews.Suppression;
import dev.mailroom.server.api.SuppressionsViews.SuppressionPage;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Read-only queries on the organizations' suppression lists; the operator alone writes them. Every query names
 * the caller's organization, so another organization's entries are never seen.
 */
@Repository
@ConditionalOnRole(Role.API)
class SuppressionsQueries {
    private static final String COLUMNS = "SELECT email, reason, details, source_message_id, created_at, created_by";
    /** Rows fetched at a time by an export, so that a list of millions streams instead of filling memory. */
    private static final int EXPORT_FETCH_SIZE = 500;

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;

    SuppressionsQueries(@Qualifier(HistoryReads.JDBC) JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
    }

    /**
     * A page of the list, newest first (keyset on created_at and email: stable while entries are added).
     *
     * @param search a part of the address, any case; null: all
     * @param reason exact reason; null: all
     */
    SuppressionPage list(String organizationId, String search, String reason, int limit, SuppressionsCursor after) {
        MapSqlParameterSource params = new MapSqlParameterSource("org", organizationId).addValue("limit", limit + 1);
        StringBuilder sql = new StringBuilder(COLUMNS + " FROM suppressions WHERE organization_id = :org");
        if (search != null) {
            // Addresses are stored normalized (lower case), so the lower-cased text is all the case-folding needed.
            sql.append(" AND email LIKE :pattern ESCAPE '\\'");
            params.addValue("pattern", LikePattern.containing(search.toLowerCase(java.util.Locale.ROOT)));
        }
        if (reason != null) {
            sql.append(" AND reason = :reason");
            params.addValue("reason", reason);
        }
        if (after != null) {
            sql.append(" AND (created_at < :at OR (created_at = :at AND email < :email))");
            params.addValue("at", OffsetDateTime.ofInstant(after.createdAt(), ZoneOffset.UTC));
            params.addValue("email", after.email());
        }
        sql.append(" ORDER BY created_at DESC, email DESC LIMIT :limit");
        List<Suppression> rows = named.query(sql.toString(), params, (rs, i) -> suppression(rs));
        if (rows.size() <= limit) {
            return new SuppressionPage(rows, null);
        }
        List<Suppression> page = rows.subList(0, limit);
        Suppression last = page.get(limit - 1);
        return new SuppressionPage(List.copyOf(page), new SuppressionsCursor(last.createdAt(), last.email()).encode());
    }

    /** The organization's entry for a normalized address. */
    Optional<Suppression> find(String organizationId, String email) {
        return jdbc
                .query(
                        COLUMNS + " FROM suppressions WHERE organization_id = ? AND email = ?",
                        (rs, i) -> suppression(rs),
                        organizationId,
                        email)
                .stream()
                .findFirst();
    }

    /**
     * Every entry of the organization, newest first, handed to {@code each} as it is read: a cursor of
     * {@value #EXPORT_FETCH_SIZE} rows at a time (PostgreSQL streams only inside a transaction).
     */
    @Transactional(transactionManager = HistoryReads.TRANSACTIONS, readOnly = true)
    void export(String organizationId, Consumer<Suppression> each) {
        JdbcTemplate streaming = new JdbcTemplate(jdbc.getDataSource());
        streaming.setFetchSize(EXPORT_FETCH_SIZE);
        streaming.query(
                COLUMNS + " FROM suppressions WHERE organization_id = ? ORDER BY created_at DESC, email DESC",
                rs -> {
                    each.accept(suppression(rs));
                },
                organizationId);
    }

    private static Suppression suppression(ResultSet rs) throws SQLException {
        String json = rs.getString("details");
        Map<String, Object> details = json == null ? Map.of() : detailsOf(json);
        Object note = details.get("note");
        return new Suppression(
                rs.getString("email"),
                rs.getString("reason"),
                note instanceof String text ? text : null,
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                rs.getString("created_by"),
                rs.getObject("source_message_id", UUID.class),
                details);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detailsOf(String json) {
        return ContractJson.read(json.getBytes(StandardCharsets.UTF_8), Map.class);
    }
}
