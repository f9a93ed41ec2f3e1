package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Read-only queries on dead-lettered messages; the operator alone writes them (through the control queue). */
@Repository
@ConditionalOnRole(Role.API)
class DeadLetterQueries {
    private static final int PREVIEW_BYTES = 500;

    private final JdbcTemplate jdbc;

    DeadLetterQueries(@Qualifier(HistoryReads.JDBC) JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The open (unresolved) dead letters, newest first, each with the start of its body as text. */
    List<Map<String, Object>> open(int limit) {
        return jdbc.query(
                "SELECT id, queue, message_type, message_id, reason, body_base64, created_at"
                        + " FROM dead_letters WHERE resolved_at IS NULL ORDER BY created_at DESC LIMIT ?",
                (rs, i) -> {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("id", rs.getObject("id", UUID.class));
                    item.put("queue", rs.getString("queue"));
                    item.put("type", rs.getString("message_type"));
                    item.put("messageId", rs.getString("message_id"));
                    item.put("reason", rs.getString("reason"));
                    item.put(
                            "createdAt",
                            rs.getObject("created_at", OffsetDateTime.class).toInstant());
                    item.put("bodyPreview", preview(rs.getString("body_base64")));
                    return item;
                },
                limit);
    }

    boolean isOpen(UUID id) {
        Integer open = jdbc.queryForObject(
                "SELECT COUNT(*) FROM dead_letters WHERE id = ? AND resolved_at IS NULL", Integer.class, id);
        return open != null && open > 0;
    }

    private static String preview(String base64) {
        byte[] body = Base64.getDecoder().decode(base64);
        String text = new String(body, 0, Math.min(body.length, PREVIEW_BYTES), StandardCharsets.UTF_8);
        return body.length > PREVIEW_BYTES ? text + "…" : text;
    }
}
