package dev.mailroom.bench.load;

import dev.mailroom.bench.cluster.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads what Mailroom recorded for a run's messages: for each, when each step was recorded and
 * how many activities it has. This is the only source of the latency and throughput figures:
 * what Mailroom wrote down, not what the benchmark believes it sent.
 */
final class Timelines {
    /**
     * One message. Times are wall-clock microseconds, 0 when the step is not recorded.
     *
     * @param dispatchedAt when the dispatcher had the provider's answer (the DISPATCHED activity's occurred_at)
     */
    record Timeline(
            UUID id,
            long dbSubmittedMicros,
            long acceptedRecorded,
            long dispatchedAt,
            long dispatchedRecorded,
            long deliveredRecorded,
            long lastRecorded,
            int activities,
            int providerEvents) {}

    private static final String QUERY = """
            SELECT m.id, m.submitted_at,
                   MIN(CASE WHEN a.status = 'ACCEPTED' THEN a.recorded_at END) AS accepted,
                   MIN(CASE WHEN a.status = 'DISPATCHED' THEN a.occurred_at END) AS dispatched_at,
                   MIN(CASE WHEN a.status = 'DISPATCHED' THEN a.recorded_at END) AS dispatched,
                   MIN(CASE WHEN a.status = 'DELIVERED' THEN a.recorded_at END) AS delivered,
                   MAX(a.recorded_at) AS last_recorded,
                   COUNT(a.id) AS activities,
                   SUM(CASE WHEN a.provider_event IS NOT NULL THEN 1 ELSE 0 END) AS provider_events
            FROM messages m LEFT JOIN activities a ON a.message_id = m.id
            WHERE %s
            GROUP BY m.id, m.submitted_at
            """;

    private Timelines() {}

    static List<Timeline> read(Database db, RunEmails run) throws SQLException {
        List<Timeline> timelines = new ArrayList<>();
        try (Connection c = db.connect()) {
            // PostgreSQL streams with a fetch size only inside a transaction.
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(QUERY.formatted(run.where("m")))) {
                s.setFetchSize(5_000);
                run.bind(c, s);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        timelines.add(new Timeline(
                                rs.getObject(1, UUID.class),
                                micros(rs, 2),
                                micros(rs, 3),
                                micros(rs, 4),
                                micros(rs, 5),
                                micros(rs, 6),
                                micros(rs, 7),
                                rs.getInt(8),
                                rs.getInt(9)));
                    }
                }
            }
            c.commit();
        }
        return timelines;
    }

    /** Messages of this sender that Mailroom has recorded, and their activities: a cheap progress check. */
    static long[] counts(Database db, RunEmails run) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(
                        "SELECT COUNT(DISTINCT m.id), COUNT(a.id) FROM messages m LEFT JOIN activities a ON a.message_id = m.id WHERE "
                                + run.where("m"))) {
            run.bind(c, s);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    private static long micros(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? 0 : Clocks.micros(t.toInstant());
    }
}
