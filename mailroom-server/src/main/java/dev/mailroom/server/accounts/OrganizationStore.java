package dev.mailroom.server.accounts;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code organizations} table. */
@Component
@ConditionalOnRole(Role.API)
class OrganizationStore {
    private final JdbcClient jdbc;

    OrganizationStore(@Qualifier(AccountsDatabase.POOL) JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Row(String id, String name, String plan, Instant createdAt) {}

    /** @return false when the id is taken */
    boolean insert(Row row) {
        return jdbc.sql(
                                "INSERT INTO organizations (id, name, plan, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
                        .params(row.id(), row.name(), row.plan(), Timestamp.from(row.createdAt()))
                        .update()
                > 0;
    }

    Optional<Row> find(String id) {
        return jdbc.sql("SELECT id, name, plan, created_at FROM organizations WHERE id = ?")
                .param(id)
                .query((rs, n) -> new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getTimestamp(4).toInstant()))
                .optional();
    }

    Optional<RetentionSettings> retention(String id) {
        return jdbc.sql("SELECT content_retention_days, history_retention_days FROM organizations WHERE id = ?")
                .param(id)
                .query((rs, n) -> new RetentionSettings(rs.getInt(1), rs.getInt(2)))
                .optional();
    }

    /** @return false when there is no such organization */
    boolean updateRetention(String id, RetentionSettings settings) {
        return jdbc.sql("UPDATE organizations SET content_retention_days = ?, history_retention_days = ? WHERE id = ?")
                        .params(settings.contentDays(), settings.historyDays(), id)
                        .update()
                > 0;
    }

    List<Row> all() {
        return jdbc.sql("SELECT id, name, plan, created_at FROM organizations ORDER BY id")
                .query((rs, n) -> new Row(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getTimestamp(4).toInstant()))
                .list();
    }
}
