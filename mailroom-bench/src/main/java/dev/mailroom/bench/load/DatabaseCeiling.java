package dev.mailroom.bench.load;

import dev.mailroom.bench.cluster.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the database alone can do in the same run: rows shaped like Mailroom's activities (same
 * columns, primary key and indexes, {@code ON CONFLICT DO NOTHING}) inserted in JDBC batches with
 * {@code reWriteBatchedInserts=true}, one commit per batch, from as many connections as Mailroom's
 * operator has consumers. On the embedded setup: an H2 file database in the benchmark's own JVM,
 * as Mailroom runs H2 in its JVM.
 */
final class DatabaseCeiling {
    private static final String TABLE = "bench_ceiling_rows";
    private static final int THREADS = 2;
    private static final int BATCH = 200;
    private static final Duration WARMUP = Duration.ofSeconds(2);

    record Result(double rowsPerSecond, String how) {}

    private DatabaseCeiling() {}

    /** The database to measure: PostgreSQL with batch rewriting on, or a fresh H2 file for the embedded setup. */
    static Database target(Database mailroomDb, Path runDir) {
        if (mailroomDb.postgres()) {
            String url = mailroomDb.url();
            String rewriting = url.contains("reWriteBatchedInserts=")
                    ? url
                    : url + (url.contains("?") ? "&" : "?") + "reWriteBatchedInserts=true";
            return new Database(rewriting, mailroomDb.user(), mailroomDb.password());
        }
        return new Database(
                "jdbc:h2:file:"
                        + runDir.resolve("ceiling-h2").resolve("ceiling").toAbsolutePath()
                        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE",
                "sa",
                "");
    }

    static Result measure(Database db, Duration duration) throws SQLException, InterruptedException {
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
            s.execute(
                    "CREATE TABLE " + TABLE + " (id UUID PRIMARY KEY, message_id UUID, status VARCHAR(16) NOT NULL,"
                            + " occurred_at TIMESTAMP WITH TIME ZONE NOT NULL, recorded_at TIMESTAMP WITH TIME ZONE NOT NULL, recipient VARCHAR(320),"
                            + " provider VARCHAR(32), provider_message_id VARCHAR(255), provider_event VARCHAR(64), details TEXT)");
            s.execute("CREATE INDEX " + TABLE + "_by_message ON " + TABLE + " (message_id, occurred_at)");
            s.execute("CREATE INDEX " + TABLE + "_by_provider_message_id ON " + TABLE + " (provider_message_id)");
        }
        AtomicLong rows = new AtomicLong();
        long deadline = System.nanoTime() + WARMUP.plus(duration).toNanos();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            Thread t = new Thread(
                    () -> {
                        try {
                            insert(db, deadline, rows);
                        } catch (Exception e) {
                            failures.add(e);
                        }
                    },
                    "ceiling-inserter-" + i);
            t.start();
            threads.add(t);
        }
        Thread.sleep(WARMUP.toMillis());
        long before = rows.get();
        long t0 = System.nanoTime();
        Thread.sleep(duration.toMillis());
        long after = rows.get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (Thread t : threads) {
            t.join(30_000);
        }
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TABLE);
        }
        if (!failures.isEmpty()) {
            throw new SQLException("the database ceiling loop failed: " + failures.get(0), failures.get(0));
        }
        String how = String.format(
                "activities-shaped rows (PK + 2 indexes, ON CONFLICT DO NOTHING), JDBC batches of %d, %s, commit per batch;"
                        + " %d connections; %.0f s after %d s warm-up",
                BATCH,
                db.postgres() ? "reWriteBatchedInserts=true" : "H2 in-process",
                THREADS,
                seconds,
                WARMUP.toSeconds());
        return new Result((after - before) / seconds, how);
    }

    private static void insert(Database db, long deadline, AtomicLong rows) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement("INSERT INTO " + TABLE
                        + " (id, message_id, status, occurred_at, recorded_at, recipient, provider, provider_message_id, provider_event, details)"
                        + " VALUES (?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")) {
            c.setAutoCommit(false);
            while (System.nanoTime() < deadline) {
                Timestamp now = new Timestamp(System.currentTimeMillis());
                for (int i = 0; i < BATCH; i++) {
                    UUID message = UUID.randomUUID();
                    s.setObject(1, UUID.randomUUID());
                    s.setObject(2, message);
                    s.setString(3, "DELIVERED");
                    s.setTimestamp(4, now);
                    s.setTimestamp(5, now);
                    s.setString(6, "user@bench.example");
                    s.setString(7, "sendgrid");
                    s.setString(8, "fake" + message.toString().substring(0, 13));
                    s.setString(9, "delivered");
                    s.setString(10, "{\"smtpResponse\":\"250 2.0.0 OK (fake)\"}");
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
                rows.addAndGet(BATCH);
            }
        }
    }
}
