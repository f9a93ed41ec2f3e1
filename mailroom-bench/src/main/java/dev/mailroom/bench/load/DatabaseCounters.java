package dev.mailroom.bench.load;

import dev.mailroom.bench.cluster.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * PostgreSQL's own counters, read before and after the measured load: rows inserted, updated and
 * deleted per table, transactions committed in the database, and WAL written (the last is
 * server-wide, so anyone else's writes during the run count too). H2 has no such counters.
 */
final class DatabaseCounters {
    /** One reading. */
    record Snapshot(Map<String, long[]> tableWrites, long commits, String walLsn) {}

    private DatabaseCounters() {}

    static Snapshot read(Database db) throws SQLException {
        if (!db.postgres()) {
            return null;
        }
        Map<String, long[]> tables = new LinkedHashMap<>();
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd"
                    + " FROM pg_stat_user_tables ORDER BY relname")) {
                while (rs.next()) {
                    tables.put(
                            rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)});
                }
            }
            long commits;
            try (ResultSet rs =
                    s.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                commits = rs.getLong(1);
            }
            String lsn;
            try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                lsn = rs.getString(1);
            }
            return new Snapshot(tables, commits, lsn);
        }
    }

    /** WAL bytes written since the given position. */
    static long walBytesSince(Database db, String lsn) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ?::pg_lsn)")) {
            s.setString(1, lsn);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** {inserted, updated, deleted, updated in place (HOT)} per table between two readings. */
    static Map<String, long[]> writesBetween(Snapshot before, Snapshot after) {
        Map<String, long[]> delta = new LinkedHashMap<>();
        after.tableWrites().forEach((table, a) -> {
            long[] b = before.tableWrites().getOrDefault(table, new long[4]);
            delta.put(table, new long[] {a[0] - b[0], a[1] - b[1], a[2] - b[2], a[3] - b[3]});
        });
        return delta;
    }

    /**
     * What a kept database held before the run, from the planner's statistics (counting ten million rows would take a
     * while): emails, activities and the size of the database.
     */
    static String keptEmails(Database db) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement("SELECT"
                        + " (SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('messages')),"
                        + " (SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass('activities')),"
                        + " pg_size_pretty(pg_database_size(current_database()))");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return String.format(
                    "about %,d emails and %,d activities, %s", rs.getLong(1), rs.getLong(2), rs.getString(3));
        }
    }

    /** Activities of a run's messages by status, and its messages, recipients and tags: the rows it inserted. */
    static Map<String, Long> recordedRows(Database db, RunEmails run) throws SQLException {
        Map<String, Long> rows = new LinkedHashMap<>();
        try (Connection c = db.connect()) {
            rows.put("messages", count(c, "SELECT COUNT(*) FROM messages m WHERE " + run.where("m"), run));
            rows.put(
                    "message_recipients",
                    count(
                            c,
                            "SELECT COUNT(*) FROM message_recipients r JOIN messages m ON m.id = r.message_id"
                                    + " WHERE " + run.where("m"),
                            run));
            rows.put(
                    "message_tags",
                    count(
                            c,
                            "SELECT COUNT(*) FROM message_tags t JOIN messages m ON m.id = t.message_id" + " WHERE "
                                    + run.where("m"),
                            run));
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT a.status, COUNT(*) FROM activities a JOIN messages m ON m.id = a.message_id" + " WHERE "
                            + run.where("m") + " GROUP BY a.status")) {
                run.bind(c, s);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.put("activities:" + rs.getString(1), rs.getLong(2));
                    }
                }
            }
        }
        return rows;
    }

    /**
     * A run's messages per organization, by organization id: how the load was spread (the bench's
     * submitters take turns over one key per organization, so the counts differ by one at most,
     * give or take an email lost).
     */
    static Map<String, Long> messagesPerOrganization(Database db, RunEmails run) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement("SELECT m.organization_id, COUNT(*) FROM messages m WHERE "
                        + run.where("m") + " GROUP BY m.organization_id")) {
            run.bind(c, s);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    private static long count(Connection c, String sql, RunEmails run) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            run.bind(c, s);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
