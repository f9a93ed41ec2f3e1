package dev.mailroom.bench.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The local PostgreSQL cluster, administered as root with Debian's {@code pg_ctlcluster} (which
 * switches to the postgres user), and the database the suite works in.
 */
public final class PostgresServer {
    private static final Duration CTL_TIMEOUT = Duration.ofSeconds(90);
    /** SQLState of "database does not exist". */
    private static final String INVALID_CATALOG = "3D000";

    private final Infrastructure infrastructure;
    private final String version;
    private final String cluster;

    public PostgresServer(Infrastructure infrastructure, String version, String cluster) {
        this.infrastructure = infrastructure;
        this.version = version;
        this.cluster = cluster;
    }

    public String describe() {
        return "PostgreSQL " + version + "/" + cluster;
    }

    public void stop() {
        Shell.Result result = Shell.run(CTL_TIMEOUT, "pg_ctlcluster", version, cluster, "stop");
        if (!result.ok()) {
            throw new IllegalStateException(
                    "pg_ctlcluster " + version + " " + cluster + " stop failed: " + result.output());
        }
    }

    /** Starts the cluster unless it runs, and waits until the suite's database accepts connections. */
    public void start(Duration timeout) throws InterruptedException {
        if (!isRunning()) {
            Shell.Result result = Shell.run(CTL_TIMEOUT, "pg_ctlcluster", version, cluster, "start");
            if (!result.ok() && !isRunning()) {
                throw new IllegalStateException(
                        "pg_ctlcluster " + version + " " + cluster + " start failed: " + result.output());
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!canConnect()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        describe() + " does not accept connections within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(250);
        }
    }

    public boolean isRunning() {
        return Shell.run(Duration.ofSeconds(20), "pg_ctlcluster", version, cluster, "status")
                .ok();
    }

    public boolean canConnect() {
        try (Connection ignored = infrastructure.database().connect()) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Creates the database (owned by the configured user) if it does not exist, as the postgres superuser. */
    public void ensureDatabase() {
        try (Connection ignored = infrastructure.database().connect()) {
            return;
        } catch (SQLException e) {
            if (!INVALID_CATALOG.equals(e.getSQLState())) {
                throw new IllegalStateException(
                        "cannot connect to " + infrastructure.database().url() + ": " + e.getMessage(), e);
            }
        }
        String database = infrastructure.database().name();
        if (!database.matches("[A-Za-z0-9_]+")
                || !infrastructure.database().user().matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("database and user names must be letters, digits and _: " + database);
        }
        Shell.Result result = psqlAsPostgres(
                CTL_TIMEOUT,
                "CREATE DATABASE \"" + database + "\" OWNER \""
                        + infrastructure.database().user() + "\"");
        if (!result.ok()) {
            throw new IllegalStateException("could not create database " + database
                    + " (run as root, or create it yourself): " + result.output());
        }
    }

    /**
     * Runs one SQL command with psql as the postgres superuser (on the local cluster, through its socket), stopping
     * at the first error: for what only a superuser may do (creating databases, database-wide settings).
     */
    public static Shell.Result psqlAsPostgres(Duration timeout, String sql) {
        return Shell.run(
                timeout,
                "runuser",
                "-u",
                "postgres",
                "--",
                "psql",
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-d",
                "postgres",
                "-c",
                sql);
    }
}
