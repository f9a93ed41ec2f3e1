package dev.mailroom.server.operator;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.ErasedData;
import dev.mailroom.server.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Erases an address from dead-lettered queue messages. A dead letter has no organization of its own: one is the
 * organization's when its body names it ({@code organizationId}, as every submission, cancel and request does), when
 * its proof headers name one of the organization's keys, or when it is about one of the organization's emails (a
 * tracking report's {@code messageId}). A dead letter that cannot be told to be the organization's is left alone (it
 * may be another's). One that is and mentions the address loses its body (a message to or about the person is theirs
 * whole) and the address in its reason, and is resolved {@code erased} if it was open: there is nothing left to replay.
 */
@Repository
@ConditionalOnRole(Role.OPERATOR)
class DeadLetterErasure {
    static final String ERASED = "erased";

    /** A page of dead letters to look through: ids, and the ones found to erase. */
    record Page(UUID last, List<UUID> toErase) {}

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;

    DeadLetterErasure(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
    }

    /**
     * Reads the dead letters after {@code after} (null: from the first), {@code size} of them: a read without locks.
     *
     * @return the last id read (null when there were none) and those of the organization that mention the address
     */
    Page look(String organizationId, String address, UUID after, int size) {
        ErasedData erasing = ErasedData.of(address);
        List<UUID> found = new ArrayList<>();
        UUID[] last = {null};
        String sql = "SELECT id, body_base64, reason, message_id, proof_key_id FROM dead_letters"
                + (after == null ? "" : " WHERE id > ?") + " ORDER BY id LIMIT ?";
        Object[] args = after == null ? new Object[] {size} : new Object[] {after, size};
        jdbc.query(
                sql,
                rs -> {
                    UUID id = rs.getObject("id", UUID.class);
                    last[0] = id;
                    byte[] body = decoded(rs.getString("body_base64"));
                    if ((erasing.mentions(body)
                                    || erasing.mentions(rs.getString("reason"))
                                    || erasing.mentions(rs.getString("message_id")))
                            && isOrganizations(organizationId, body, rs.getString("proof_key_id"))) {
                        found.add(id);
                    }
                },
                args);
        return new Page(last[0], found);
    }

    /** Erases the given dead letters (found by {@link #look}), in the caller's transaction. @return rows changed */
    int erase(String address, List<UUID> ids, Instant now) {
        ErasedData erasing = ErasedData.of(address);
        List<Object[]> rows = new ArrayList<>();
        named.query(
                "SELECT id, body_base64, reason, message_id FROM dead_letters WHERE id IN (:ids) ORDER BY id FOR UPDATE",
                new MapSqlParameterSource("ids", ids),
                rs -> {
                    String reason = rs.getString("reason");
                    String messageId = rs.getString("message_id");
                    String body = rs.getString("body_base64");
                    // Looked at without a lock: another operator may have erased it since.
                    if (!erasing.mentions(decoded(body)) && !erasing.mentions(reason) && !erasing.mentions(messageId)) {
                        return;
                    }
                    String erasedId = erasing.text(messageId);
                    if (erasedId != null && erasedId.length() > DeadLetters.MESSAGE_ID_COLUMN) {
                        erasedId = erasedId.substring(0, DeadLetters.MESSAGE_ID_COLUMN);
                    }
                    rows.add(new Object[] {
                        erasing.text(reason), erasedId, Timestamps.of(now), rs.getObject("id", UUID.class)
                    });
                });
        int changed = 0;
        for (int n : jdbc.batchUpdate(
                "UPDATE dead_letters SET body_base64 = '', reason = ?, message_id = ?,"
                        + " resolution = CASE WHEN resolved_at IS NULL THEN '" + ERASED + "' ELSE resolution END,"
                        + " resolved_at = COALESCE(resolved_at, ?) WHERE id = ?",
                rows)) {
            changed += n == java.sql.Statement.SUCCESS_NO_INFO ? 1 : Math.max(n, 0);
        }
        return changed;
    }

    private boolean isOrganizations(String organizationId, byte[] body, String proofKeyId) {
        Object json;
        try {
            json = ContractJson.read(body, Object.class);
        } catch (RuntimeException e) {
            json = null;
        }
        if (json instanceof Map<?, ?> map && map.get("organizationId") instanceof String owner) {
            return owner.equals(organizationId);
        }
        if (proofKeyId != null
                && organizationId.equals(jdbc
                        .queryForList(
                                "SELECT organization_id FROM api_keys WHERE public_id = ?", String.class, proofKeyId)
                        .stream()
                        .filter(Objects::nonNull)
                        .findFirst()
                        .orElse(null))) {
            return true;
        }
        Set<UUID> messages = new HashSet<>();
        collectMessageIds(json, messages);
        return !messages.isEmpty()
                && !named.queryForList(
                                "SELECT id FROM messages WHERE id IN (:ids) AND organization_id = :org",
                                new MapSqlParameterSource("ids", messages).addValue("org", organizationId),
                                UUID.class)
                        .isEmpty();
    }

    private static void collectMessageIds(Object node, Set<UUID> ids) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                if ("messageId".equals(key) && value instanceof String text) {
                    try {
                        ids.add(UUID.fromString(text));
                    } catch (IllegalArgumentException e) {
                        // Not one of ours.
                    }
                } else {
                    collectMessageIds(value, ids);
                }
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collectMessageIds(item, ids));
        }
    }

    private static byte[] decoded(String base64) {
        try {
            return base64 == null ? new byte[0] : Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }
}
