package dev.mailroom.bench.history;

import dev.mailroom.bench.cluster.Database;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Fills the history tables of a database whose schema Mailroom's own migrations created, with COPY, bypassing the
 * pipeline (and the read models the operator keeps as it records: the members of V17 by COPY, the overview counts of
 * V21 by the GROUP BY its backfill runs): the tables' primary keys, foreign keys and indexes are set aside first (their definitions read from the
 * catalog) and built again, exactly as they were, once the rows are in. Each table is written by one COPY FREEZE
 * after a TRUNCATE in the same transaction, then {@code VACUUM (ANALYZE)}: the readers meet tables as a long-lived
 * database has them (statistics, visibility map, hint bits set), not the fresh writes of a bulk load.
 */
final class HistoryFill {
    /** The tables the history lives in, the one read model of V17 included. */
    static final List<String> TABLES = List.of(
            "messages",
            "message_contents",
            "message_recipients",
            "message_tags",
            "activities",
            "members",
            "member_search_terms",
            "message_outcomes");

    /** The overview's read model (V21): a few rows per organization and day, written by one INSERT … SELECT. */
    static final String OVERVIEW_COUNTS = "overview_counts";

    private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

    /**
     * What the fill did and how long each part took.
     *
     * @param definitions the constraints and indexes set aside and built again, as the catalog gave them
     */
    record Result(
            HistoryGenerator.Counts counts,
            List<HistorySample> samples,
            long startMicros,
            long endMicros,
            double copySeconds,
            double membersSeconds,
            double indexSeconds,
            double vacuumSeconds,
            double totalSeconds,
            List<String> definitions,
            long outcomeRows) {

        /** Rows written, in every table. */
        long rows() {
            return counts.emails() * 2
                    + counts.recipients()
                    + counts.tags()
                    + counts.activities()
                    + counts.members()
                    + counts.terms();
        }
    }

    private record Definition(String table, String name, String sql, int order) {}

    private final Database db;
    private final PrintStream out;

    HistoryFill(Database db, PrintStream out) {
        this.db = db;
        this.out = out;
    }

    Result fill(HistoryShape shape, long emails, int days, Instant end, int sampleSize) throws Exception {
        long t0 = System.nanoTime();
        long endMicros = end.getEpochSecond() * 1_000_000 + end.getNano() / 1000;
        HistoryGenerator generator = new HistoryGenerator(shape, emails, days, endMicros, sampleSize);
        List<Definition> definitions;
        try (Connection c = db.connect()) {
            definitions = setAside(c);
        }
        out.printf(
                "  set aside %d constraints and indexes of %s; writing %,d emails over %d days with COPY...%n",
                definitions.size(), String.join(", ", TABLES), emails, days);

        List<Copy> copies = new ArrayList<>();
        try {
            HistoryGenerator.Tables tables = new HistoryGenerator.Tables(
                    copy(copies, "messages", HistoryGenerator.MESSAGE_COLUMNS),
                    copy(copies, "message_contents", HistoryGenerator.CONTENT_COLUMNS),
                    copy(copies, "message_recipients", HistoryGenerator.RECIPIENT_COLUMNS),
                    copy(copies, "message_tags", HistoryGenerator.TAG_COLUMNS),
                    copy(copies, "activities", HistoryGenerator.ACTIVITY_COLUMNS));
            long copyStart = System.nanoTime();
            long[] lastPrint = {copyStart};
            generator.generate(tables, written -> {
                long now = System.nanoTime();
                if (now - lastPrint[0] >= PROGRESS_EVERY_NANOS) {
                    lastPrint[0] = now;
                    double seconds = (now - copyStart) / 1e9;
                    long reached = generator.startMicros()
                            + (generator.endMicros() - generator.startMicros()) / Math.max(1, emails) * written;
                    out.printf(
                            "  %,d of %,d emails (%.0f%%), %,.0f emails/s; history written up to about %s%n",
                            written,
                            emails,
                            100.0 * written / Math.max(1, emails),
                            written / seconds,
                            LocalDate.ofEpochDay(Math.floorDiv(reached, 86_400_000_000L)));
                }
            });
            finish(copies);
        } catch (Exception e) {
            closeQuietly(copies);
            throw e;
        }
        double copySeconds = (System.nanoTime() - t0) / 1e9;
        out.printf("  rows written in %.1f s; the read models next...%n", copySeconds);

        long membersStart = System.nanoTime();
        List<Copy> memberCopies = new ArrayList<>();
        try {
            CopyText members = copy(memberCopies, "members", HistoryGenerator.MEMBER_COLUMNS);
            CopyText terms = copy(memberCopies, "member_search_terms", HistoryGenerator.TERM_COLUMNS);
            generator.writeMembers(members, terms);
            finish(memberCopies);
        } catch (Exception e) {
            closeQuietly(memberCopies);
            throw e;
        }
        long overviewRows = fillOverviewCounts();
        long outcomeRows = fillOutcomes();
        double membersSeconds = (System.nanoTime() - membersStart) / 1e9;
        HistoryGenerator.Counts counts = generator.counts();
        out.printf(
                "  %,d members, %,d search terms, %,d overview counts in %.1f s; building the constraints and indexes"
                        + " again...%n",
                counts.members(), counts.terms(), overviewRows, membersSeconds);

        long indexStart = System.nanoTime();
        rebuild(definitions);
        double indexSeconds = (System.nanoTime() - indexStart) / 1e9;
        out.printf("  constraints and indexes built in %.1f s; VACUUM (ANALYZE)...%n", indexSeconds);

        long vacuumStart = System.nanoTime();
        List<String> vacuums = new ArrayList<>(
                TABLES.stream().map(t -> "VACUUM (ANALYZE) " + t).toList());
        vacuums.add("VACUUM (ANALYZE) " + OVERVIEW_COUNTS);
        parallel(vacuums, 2);
        double vacuumSeconds = (System.nanoTime() - vacuumStart) / 1e9;
        double total = (System.nanoTime() - t0) / 1e9;
        out.printf("  vacuumed and analyzed in %.1f s; the fill took %.1f s%n", vacuumSeconds, total);
        return new Result(
                counts,
                generator.samples(),
                generator.startMicros(),
                generator.endMicros(),
                copySeconds,
                membersSeconds,
                indexSeconds,
                vacuumSeconds,
                total,
                definitions.stream().map(Definition::sql).toList(),
                outcomeRows);
    }

    /**
     * The emails at a status of the server's OutcomeStatuses, as the operator lists them (V25): the same INSERT …
     * SELECT as V25's backfill, over the messages just written.
     */
    private long fillOutcomes() throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            return s.executeUpdate("INSERT INTO message_outcomes (message_id, organization_id, status, created_at)"
                    + " SELECT id, organization_id, status, created_at FROM messages WHERE status IN ('SCHEDULED',"
                    + " 'UNSUBSCRIBED', 'COMPLAINED', 'BOUNCED', 'DROPPED', 'FAILED', 'SUPPRESSED', 'CANCELED')");
        }
    }

    /**
     * The overview's counts of V21 as the operator keeps them once compacted: one row per organization, UTC day of
     * creation and status, holding how many messages are there. The same GROUP BY as V21's backfill, over the messages
     * just written (one scan of the table).
     */
    private long fillOverviewCounts() throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + OVERVIEW_COUNTS);
            return s.executeUpdate("INSERT INTO " + OVERVIEW_COUNTS + " (organization_id, created_on, status, delta)"
                    + " SELECT organization_id, CAST(created_at AT TIME ZONE 'UTC' AS DATE), status, COUNT(*)"
                    + " FROM messages GROUP BY organization_id, CAST(created_at AT TIME ZONE 'UTC' AS DATE), status");
        }
    }

    /** Reads the tables' constraints and indexes from the catalog, then drops them: foreign keys first. */
    private static List<Definition> setAside(Connection c) throws SQLException {
        List<Definition> definitions = new ArrayList<>();
        Array tables = c.createArrayOf("text", TABLES.toArray());
        try (PreparedStatement s = c.prepareStatement(
                "SELECT t.relname, k.conname, pg_get_constraintdef(k.oid), k.contype FROM pg_constraint k"
                        + " JOIN pg_class t ON t.oid = k.conrelid"
                        + " WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY (?)"
                        + " AND k.contype IN ('p', 'u', 'f') ORDER BY t.relname, k.conname")) {
            s.setArray(1, tables);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    boolean foreign = rs.getString(4).equals("f");
                    definitions.add(new Definition(
                            rs.getString(1),
                            rs.getString(2),
                            "ALTER TABLE " + quote(rs.getString(1)) + " ADD CONSTRAINT " + quote(rs.getString(2)) + " "
                                    + rs.getString(3),
                            foreign ? 2 : 0));
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i"
                + " WHERE i.schemaname = current_schema() AND i.tablename = ANY (?)"
                + " AND NOT EXISTS (SELECT 1 FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid"
                + " WHERE k.conname = i.indexname AND t.relname = i.tablename"
                + " AND t.relnamespace = current_schema()::regnamespace)"
                + " ORDER BY i.tablename, i.indexname")) {
            s.setArray(1, tables);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    definitions.add(new Definition(rs.getString(1), rs.getString(2), rs.getString(3), 1));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (int order : new int[] {2, 0, 1}) {
                for (Definition d : definitions) {
                    if (d.order() != order) {
                        continue;
                    }
                    s.execute(
                            order == 1
                                    ? "DROP INDEX " + quote(d.name())
                                    : "ALTER TABLE " + quote(d.table()) + " DROP CONSTRAINT " + quote(d.name()));
                }
            }
        }
        definitions.sort(java.util.Comparator.comparingInt(Definition::order));
        return definitions;
    }

    /** Primary keys and indexes on two connections at a time (two cores), then the foreign keys, one by one. */
    private void rebuild(List<Definition> definitions) throws Exception {
        parallel(
                definitions.stream()
                        .filter(d -> d.order() < 2)
                        .map(Definition::sql)
                        .toList(),
                2);
        parallel(
                definitions.stream()
                        .filter(d -> d.order() == 2)
                        .map(Definition::sql)
                        .toList(),
                1);
    }

    private void parallel(List<String> statements, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            java.util.concurrent.ConcurrentLinkedQueue<String> queue =
                    new java.util.concurrent.ConcurrentLinkedQueue<>(statements);
            List<Future<Void>> workers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    try (Connection c = db.connect();
                            Statement s = c.createStatement()) {
                        // Each build has a core of its own: no parallel workers, more memory to sort in.
                        s.execute("SET maintenance_work_mem = '512MB'");
                        s.execute("SET max_parallel_maintenance_workers = 0");
                        String sql;
                        while ((sql = queue.poll()) != null) {
                            long start = System.nanoTime();
                            s.execute(sql);
                            out.printf("    %.1f s  %s%n", (System.nanoTime() - start) / 1e9, shorten(sql));
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** One table's COPY in progress: its connection, the stream that ends the COPY when closed, its rows. */
    private record Copy(Connection connection, PGCopyOutputStream stream, CopyText text) {}

    private CopyText copy(List<Copy> copies, String table, String columns) throws SQLException {
        Connection c = db.connect();
        try {
            // COPY FREEZE into a table truncated in the same transaction: the rows are written frozen and the pages
            // all-visible, as VACUUM leaves the pages of a long-lived table, without VACUUM rewriting them all.
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET synchronous_commit = off");
                s.execute("TRUNCATE " + table);
            }
            PGCopyOutputStream stream = new PGCopyOutputStream(
                    c.unwrap(PGConnection.class),
                    "COPY " + table + " (" + columns + ") FROM STDIN WITH (FREEZE)",
                    1 << 16);
            CopyText text = new CopyText(stream);
            copies.add(new Copy(c, stream, text));
            return text;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Ends every COPY (PostgreSQL checks the rows then: a COPY fails as a whole) and closes its connection. */
    private static void finish(List<Copy> copies) throws SQLException {
        try {
            for (Copy copy : copies) {
                copy.text().flush();
                try {
                    copy.stream().close();
                    copy.connection().commit();
                } catch (IOException e) {
                    throw new UncheckedIOException("COPY failed: " + e.getMessage(), e);
                }
            }
        } finally {
            closeQuietly(copies);
        }
    }

    private static void closeQuietly(List<Copy> copies) {
        for (Copy copy : copies) {
            try {
                copy.connection().close();
            } catch (SQLException e) {
                // Closing after a failure: the failure is what matters.
            }
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String shorten(String sql) {
        return sql.length() <= 140 ? sql : sql.substring(0, 137) + "...";
    }
}
