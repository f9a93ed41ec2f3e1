package dev.mailroom.bench.cluster;

import dev.mailroom.bench.cluster.LedgerRows.ActivityRow;
import dev.mailroom.bench.cluster.LedgerRows.MessageRow;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads, for a set of message ids, the rows {@link LedgerCheck} judges. Plain SELECTs by id (in
 * chunks, as {@code = ANY(uuid[])}), so that the judging is all in {@link LedgerCheck}, and never
 * anything about rows of other ids: the database need not be empty.
 */
public final class LedgerQueries {
    private static final int CHUNK = 5_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private LedgerQueries() {}

    /** Runs the whole check: loads the rows of {@code submitted} and judges them. */
    public static LedgerReport check(Connection db, Collection<UUID> submitted, Map<String, Integer> sendsPerMessage)
            throws SQLException {
        return LedgerCheck.evaluate(submitted, messages(db, submitted), activities(db, submitted), sendsPerMessage);
    }

    public static List<MessageRow> messages(Connection db, Collection<UUID> ids) throws SQLException {
        List<MessageRow> rows = new ArrayList<>();
        for (List<UUID> chunk : chunks(ids)) {
            try (PreparedStatement st =
                    db.prepareStatement("SELECT id, status, attempts FROM messages WHERE id = ANY(?)")) {
                st.setArray(1, uuidArray(db, chunk));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new MessageRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getInt(3)));
                    }
                }
            }
        }
        return rows;
    }

    public static List<ActivityRow> activities(Connection db, Collection<UUID> ids) throws SQLException {
        List<ActivityRow> rows = new ArrayList<>();
        for (List<UUID> chunk : chunks(ids)) {
            try (PreparedStatement st =
                    db.prepareStatement("SELECT id, message_id, status, recipient, provider_message_id, provider_event,"
                            + " details FROM activities WHERE message_id = ANY(?)")) {
                st.setArray(1, uuidArray(db, chunk));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new ActivityRow(
                                rs.getObject(1, UUID.class),
                                rs.getObject(2, UUID.class),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                attemptOf(rs.getString(7))));
                    }
                }
            }
        }
        return rows;
    }

    /** Each message's recipient addresses (to, cc, bcc) as stored, in their order. */
    public static Map<UUID, List<String>> recipients(Connection db, Collection<UUID> ids) throws SQLException {
        Map<UUID, List<String>> recipients = new java.util.HashMap<>();
        for (List<UUID> chunk : chunks(ids)) {
            try (PreparedStatement st = db.prepareStatement(
                    "SELECT message_id, email FROM message_recipients WHERE message_id = ANY(?) ORDER BY message_id, position")) {
                st.setArray(1, uuidArray(db, chunk));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        recipients
                                .computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>())
                                .add(rs.getString(2));
                    }
                }
            }
        }
        return recipients;
    }

    /** Current status → count, over the given ids; ids not recorded yet are not counted. */
    public static Map<String, Long> statusCounts(Connection db, Collection<UUID> ids) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        for (List<UUID> chunk : chunks(ids)) {
            try (PreparedStatement st =
                    db.prepareStatement("SELECT status, COUNT(*) FROM messages WHERE id = ANY(?) GROUP BY status")) {
                st.setArray(1, uuidArray(db, chunk));
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        counts.merge(rs.getString(1), rs.getLong(2), Long::sum);
                    }
                }
            }
        }
        return counts;
    }

    /** A row of {@code dead_letters}. */
    public record DeadLetter(String queue, String messageType, String messageId, String reason, Instant createdAt) {}

    /** Dead letters dead-lettered at or after {@code since}, oldest first. */
    public static List<DeadLetter> deadLettersSince(Connection db, Instant since) throws SQLException {
        List<DeadLetter> rows = new ArrayList<>();
        try (PreparedStatement st =
                db.prepareStatement("SELECT queue, message_type, message_id, reason, created_at FROM dead_letters"
                        + " WHERE created_at >= ? ORDER BY created_at")) {
            st.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new DeadLetter(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getTimestamp(5).toInstant()));
                }
            }
        }
        return rows;
    }

    /** The dispatch attempt in an activity's details ({@code {"attempt": 2, ...}}), or null. */
    static Integer attemptOf(String detailsJson) {
        if (detailsJson == null || detailsJson.isBlank()) {
            return null;
        }
        try {
            JsonNode attempt = JSON.readTree(detailsJson).get("attempt");
            return attempt != null && attempt.canConvertToInt() ? attempt.intValue() : null;
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    private static Array uuidArray(Connection db, List<UUID> ids) throws SQLException {
        return db.createArrayOf("uuid", ids.toArray());
    }

    private static List<List<UUID>> chunks(Collection<UUID> ids) {
        List<UUID> all = new ArrayList<>(ids);
        List<List<UUID>> chunks = new ArrayList<>();
        for (int i = 0; i < all.size(); i += CHUNK) {
            chunks.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
        }
        return chunks;
    }
}
