package dev.mailroom.bench.history;

import dev.mailroom.bench.cluster.Database;
import dev.mailroom.bench.cluster.PostgresServer;
import dev.mailroom.bench.cluster.Shell;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plans of the SQL Mailroom's API really runs, with {@code auto_explain}: enabled for the history's database
 * only ({@code ALTER DATABASE ... SET session_preload_libraries = 'auto_explain'}, every statement logged with
 * {@code log_analyze}, {@code log_buffers} and timing: {@code EXPLAIN (ANALYZE, BUFFERS)} of each), as the postgres
 * user with psql (it is a superuser's setting), so that new sessions of the API's pool load it. The plans are read
 * back from PostgreSQL's log; each kind of request is told apart by a marker statement the benchmark runs before
 * it ({@code SELECT 'mailroom-history-explain:KIND:organization'}), since a request runs several statements. Switched off
 * (every setting reset) afterwards: the measured run never has it.
 */
final class QueryPlans {
    static final String MARKER = "mailroom-history-explain:";

    private static final Duration PSQL_TIMEOUT = Duration.ofSeconds(60);
    private static final List<String> SETTINGS = List.of(
            "session_preload_libraries = 'auto_explain'",
            "auto_explain.log_min_duration = 0",
            "auto_explain.log_analyze = on",
            "auto_explain.log_buffers = on",
            "auto_explain.log_timing = on",
            "auto_explain.log_nested_statements = off",
            "auto_explain.log_format = 'text'");
    private static final Pattern ENTRY =
            Pattern.compile("^\\S+ \\S+ \\S+ \\[(\\d+)\\] (\\S*)@(\\S*) LOG:  duration: ([0-9.]+) ms  plan:\\s*$");
    private static final Pattern MARK = Pattern.compile(Pattern.quote(MARKER) + "([A-Z_]+)(?::([^']*))?");
    private static final Pattern TIMESTAMPED = Pattern.compile("^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}.*");

    /**
     * The slowest statement run for one kind of request of one organization.
     *
     * @param statements how many statements that kind's requests ran in all
     */
    record Plan(String organizationId, QueryKind kind, double millis, String query, String plan, int statements) {}

    private final Database db;
    private final Path log;

    QueryPlans(Database db, Path log) {
        this.db = db;
        this.log = log;
    }

    /** Debian's log of the cluster the database is on: {@code /var/log/postgresql/postgresql-15-main.log}. */
    static Path debianLog(Database db) throws SQLException {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT current_setting('server_version_num')::int / 10000, current_setting('cluster_name')")) {
            rs.next();
            String cluster = rs.getString(2);
            String name = cluster == null || cluster.isBlank() ? rs.getInt(1) + "-main" : cluster.replace('/', '-');
            return Path.of("/var/log/postgresql", "postgresql-" + name + ".log");
        }
    }

    Path log() {
        return log;
    }

    /** Why plans cannot be had here, or null when they can. */
    String unavailable() {
        if (!Files.isReadable(log)) {
            return "PostgreSQL's log " + log + " cannot be read (give --postgres-log; run as root)";
        }
        Shell.Result who = Shell.run(PSQL_TIMEOUT, "runuser", "-u", "postgres", "--", "true");
        if (!who.ok()) {
            return "cannot run psql as the postgres user (" + who.output() + "): run as root";
        }
        return null;
    }

    void enable() {
        for (String setting : SETTINGS) {
            psql("ALTER DATABASE " + quote(db.name()) + " SET " + setting);
        }
    }

    /** Resets every setting {@link #enable()} made; sessions opened from now on are as before. */
    void disable() {
        for (String setting : SETTINGS) {
            psql("ALTER DATABASE " + quote(db.name()) + " RESET " + setting.substring(0, setting.indexOf(' ')));
        }
    }

    long logSize() throws IOException {
        return Files.size(log);
    }

    /**
     * Runs the marker of a kind and organization on a session of its own (opened after {@link #enable()}, so that it
     * is logged too): the statements logged after it, up to the next marker, are that kind's.
     */
    void mark(Connection c, QueryKind kind, String organizationId) {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT '" + MARKER + kind.name() + ":" + organizationId.replace("'", "") + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("the plan marker failed: " + e.getMessage(), e);
        }
    }

    /** Ends the last kind's statements. */
    void endMarks(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT '" + MARKER + "END'");
        } catch (SQLException e) {
            throw new IllegalStateException("the plan marker failed: " + e.getMessage(), e);
        }
    }

    /** The log written since {@code from}. */
    String readFrom(long from) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            if (from > length) {
                from = 0; // rotated
            }
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 16, length - from)];
            file.seek(from);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /**
     * Per kind and organization, the slowest statement of this database logged after its marker and before the next
     * one, in the order of the markers.
     */
    static List<Plan> slowest(String logText, String database) {
        Map<String, Plan> slowest = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        String current = null;
        QueryKind kind = null;
        String organization = null;
        for (Entry e : entries(logText)) {
            if (!e.database().equals(database)) {
                continue;
            }
            Matcher marker = MARK.matcher(e.query());
            if (marker.find()) {
                try {
                    kind = QueryKind.valueOf(marker.group(1));
                    organization = marker.group(2);
                    current = kind + ":" + organization;
                } catch (IllegalArgumentException end) {
                    current = null;
                }
                continue;
            }
            if (current == null) {
                continue;
            }
            counts.merge(current, 1, Integer::sum);
            Plan best = slowest.get(current);
            if (best == null || e.millis() > best.millis()) {
                slowest.put(current, new Plan(organization, kind, e.millis(), e.query(), e.plan(), 0));
            }
        }
        List<Plan> result = new ArrayList<>();
        slowest.forEach((key, p) -> result.add(
                new Plan(p.organizationId(), p.kind(), p.millis(), p.query(), p.plan(), counts.getOrDefault(key, 0))));
        return result;
    }

    /** One auto_explain entry of the log. */
    record Entry(long pid, String database, double millis, String query, String plan) {}

    static List<Entry> entries(String logText) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = logText.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = ENTRY.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            String query = "";
            StringBuilder plan = new StringBuilder();
            int j = i + 1;
            for (; j < lines.length && !TIMESTAMPED.matcher(lines[j]).matches(); j++) {
                String line = lines[j].startsWith("\t") ? lines[j].substring(1) : lines[j];
                if (line.startsWith("Query Text: ") && query.isEmpty()) {
                    query = line.substring("Query Text: ".length());
                } else if (!line.isBlank()) {
                    plan.append(line).append('\n');
                }
            }
            entries.add(new Entry(
                    Long.parseLong(m.group(1)), m.group(3), Double.parseDouble(m.group(4)), query, plan.toString()));
            i = j - 1;
        }
        return entries;
    }

    private static void psql(String sql) {
        Shell.Result result = PostgresServer.psqlAsPostgres(PSQL_TIMEOUT, sql);
        if (!result.ok()) {
            throw new IllegalStateException("psql as postgres failed: " + sql + ": " + result.output());
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
