package dev.mailroom.bench.history;

import dev.mailroom.bench.cluster.Database;
import dev.mailroom.bench.cluster.Infrastructure;
import dev.mailroom.bench.cluster.MailroomCluster;
import dev.mailroom.bench.cluster.PostgresServer;
import dev.mailroom.bench.cluster.RabbitMqNode;
import dev.mailroom.bench.load.BenchOrganizations;
import dev.mailroom.bench.load.ProcessSampler;
import dev.mailroom.bench.report.ReportFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One history run: a fresh schema made by Mailroom's own migrations (an {@code operator,api} process, which also
 * creates the organizations and their keys through the REST API), the fill, then the reads with Mailroom in the
 * {@code api} role only, then (optionally) the plans of its statements with auto_explain on a process started for
 * that, and the report.
 */
final class HistoryRun {
    static final int SAMPLE_SIZE = 2_000;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    /** Each kind's share of one warm-up round: enough calls to compile its path, short enough to cycle often. */
    private static final int WARMUP_REQUESTS = 100;

    private static final Duration WARMUP_KIND_TIME = Duration.ofSeconds(2);
    private static final Pattern CURRENT_SCHEMA = Pattern.compile("[?&]currentSchema=([^&]+)");

    private final HistoryOptions o;
    private final PrintStream out;
    private final Instant startedAt = Instant.now();
    private final String runId = ReportFiles.runId(startedAt);
    private final List<String> notes = new ArrayList<>();

    HistoryRun(HistoryOptions options, PrintStream out) {
        this.o = options;
        this.out = out;
    }

    HistoryReport run() throws Exception {
        Path runDir = Files.createTempDirectory("mailroom-history-" + runId + "-");
        out.println("Mailroom history benchmark " + runId + ": " + String.format("%,d", o.emails()) + " emails over "
                + o.days() + " days in " + o.organizations() + " organizations; logs in " + runDir);
        if (!Files.isRegularFile(o.jar())) {
            throw new IllegalArgumentException("no Mailroom jar at " + o.jar()
                    + "; build it: ./mvnw -q -pl mailroom-server,mailroom-bench -am -DskipTests package");
        }
        double busy = ProcessSampler.machineBusyOver(Duration.ofSeconds(3));
        out.printf("  the machine is %.0f%% busy before the run (100%% = one core)%n", busy);
        if (busy > 20) {
            notes.add(String.format(
                    "Before the run the machine was already %.0f%% busy (100%% = one core of %d): others' work"
                            + " shares the cores with the fill, PostgreSQL and Mailroom, and slows all of them.",
                    busy, Runtime.getRuntime().availableProcessors()));
        }
        Infrastructure infrastructure = o.infrastructure();
        Database db = infrastructure.database();
        new RabbitMqNode(infrastructure).ensureVhost();
        // ensureDatabase neither starts nor stops the cluster: its version and name are not used.
        new PostgresServer(infrastructure, "15", "main").ensureDatabase();
        String schema = resetSchema(db);
        out.println("  schema " + schema + " of " + db.url() + " dropped and created again");

        // 1. The schema, by Mailroom's migrations, and the organizations with their keys, by its REST API.
        long schemaStart = System.nanoTime();
        String platformKey = "history-platform-" + UUID.randomUUID();
        List<BenchOrganizations.Organization> organizations;
        try (MailroomCluster cluster =
                cluster(runDir, infrastructure, List.of("--mailroom.api.platform-key=" + platformKey))) {
            int port = MailroomCluster.freePort();
            cluster.add("schema", "operator,api", port, List.of("--mailroom.public-url=http://127.0.0.1:" + port));
            cluster.startAll(READY_TIMEOUT);
            out.println("  Mailroom (operator,api) migrated the schema; creating " + o.organizations()
                    + " organizations and their keys through its REST API");
            organizations = new BenchOrganizations("http://127.0.0.1:" + port, platformKey).create(o.organizations());
        }
        double schemaSeconds = (System.nanoTime() - schemaStart) / 1e9;

        // 2. The history.
        HistoryShape shape = new HistoryShape(o.seed(), o.emails(), o.organizations());
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        HistoryFill.Result fill = new HistoryFill(db, out).fill(shape, o.emails(), o.days(), end, SAMPLE_SIZE);
        Map<String, Long> rows = new java.util.HashMap<>(rowCounts(fill.counts()));
        rows.put("message_outcomes", fill.outcomeRows());
        Storage.Sizes sizes = Storage.measure(db, HistoryFill.TABLES, rows);
        List<HistorySample> samples = fill.samples();

        // 3. The reads, Mailroom in the api role only.
        List<HistoryReport.Reads> reads = new ArrayList<>();
        List<HistoryReaders.Target> targets = new ArrayList<>();
        List<String> roles = new ArrayList<>();
        targets.add(
                new HistoryReaders.Target(samples.get(0), organizations.get(0).key()));
        roles.add("largest");
        if (samples.size() > 1) {
            targets.add(new HistoryReaders.Target(
                    samples.get(samples.size() - 1),
                    organizations.get(organizations.size() - 1).key()));
            roles.add("smallest");
        }
        List<QueryPlans.Plan> plans = List.of();
        String plansHow = "not asked for (--no-explain)";
        if (o.measure()) {
            try (MailroomCluster cluster = cluster(runDir, infrastructure, List.of())) {
                String url = startApi(cluster, "api");
                HistoryReaders readers = readers(url);
                out.printf(
                        "  warming up for %d s (every kind in turn, not measured)...%n",
                        o.warmup().toSeconds());
                long warmStart = System.nanoTime();
                int rounds =
                        readers.warmUp(targets, Math.min(WARMUP_REQUESTS, o.requests()), WARMUP_KIND_TIME, o.warmup());
                long warmedFor = Math.round((System.nanoTime() - warmStart) / 1e9);
                out.printf("  warmed up: %d rounds of every kind in %d s%n", rounds, warmedFor);
                notes.add(String.format(
                        "Before the reads were measured, %d rounds of every kind for both organizations (%d s, at most"
                                + " %d requests or %d s of each) warmed the JITs up, unmeasured (--warmup %d).",
                        rounds,
                        warmedFor,
                        Math.min(WARMUP_REQUESTS, o.requests()),
                        WARMUP_KIND_TIME.toSeconds(),
                        o.warmup().toSeconds()));
                out.printf(
                        "  measuring: %d readers, at most %d requests or %d s per kind and organization%n",
                        o.readers(), o.requests(), o.kindTime().toSeconds());
                for (int i = 0; i < targets.size(); i++) {
                    HistorySample s = targets.get(i).sample();
                    reads.add(new HistoryReport.Reads(
                            s.organizationId,
                            roles.get(i),
                            s.emailCount,
                            s.memberCount,
                            readers.measure(targets.get(i))));
                }
            }
            if (o.explain()) {
                PlansOutcome outcome = plans(runDir, infrastructure, targets);
                plans = outcome.plans();
                plansHow = outcome.how();
            }
        } else {
            plansHow = "no reads (--no-measure)";
        }

        List<HistoryReport.Organization> orgs = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            HistorySample s = samples.get(i);
            orgs.add(new HistoryReport.Organization(
                    s.organizationId,
                    s.provider,
                    shape.organizations.get(i).memberIds().name().toLowerCase(),
                    s.emailCount,
                    s.memberCount));
        }
        return new HistoryReport(
                runId,
                startedAt,
                o.label(),
                commandLine(o.commandLine()),
                mailroom(),
                machine(busy, sizes),
                fillFigures(fill, schemaSeconds),
                orgs,
                reads,
                sizes,
                plans,
                plansHow,
                notes);
    }

    /** The rows the fill wrote in each table (exact; the planner's reltuples are estimates). */
    static Map<String, Long> rowCounts(HistoryGenerator.Counts c) {
        return Map.of(
                "messages", c.emails(),
                "message_contents", c.emails(),
                "message_recipients", c.recipients(),
                "message_tags", c.tags(),
                "activities", c.activities(),
                "members", c.members(),
                "member_search_terms", c.terms());
    }

    /** The command line as a shell would take it again. */
    static String commandLine(List<String> args) {
        StringBuilder line = new StringBuilder("java -jar mailroom-bench.jar history");
        for (String arg : args) {
            line.append(' ')
                    .append(arg.matches("[A-Za-z0-9_@%+=:,./-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return line.toString();
    }

    /** Which Mailroom was measured: the jar, when it was built, and the commit of the checkout it was run from. */
    private String mailroom() {
        String built;
        try {
            built = Files.getLastModifiedTime(o.jar())
                    .toInstant()
                    .truncatedTo(ChronoUnit.SECONDS)
                    .toString();
        } catch (IOException e) {
            built = "?";
        }
        String commit = "?";
        try {
            Process git = new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=7")
                    .redirectErrorStream(true)
                    .start();
            String text =
                    new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            if (git.waitFor() == 0) {
                commit = text;
            }
        } catch (IOException e) {
            // No git here: unknown.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return o.jar() + ", built " + built + ", from a checkout at " + commit;
    }

    private MailroomCluster cluster(Path runDir, Infrastructure infrastructure, List<String> extra) {
        List<String> jvm = new ArrayList<>();
        jvm.add("-Xmx" + o.heap());
        jvm.addAll(o.jvmArgs());
        List<String> args = new ArrayList<>(extra);
        args.addAll(o.serverArgs());
        return new MailroomCluster(o.jar(), runDir, infrastructure, jvm, args);
    }

    private String startApi(MailroomCluster cluster, String name) throws IOException, InterruptedException {
        int port = MailroomCluster.freePort();
        String url = "http://127.0.0.1:" + port;
        cluster.add(name, "api", port, List.of("--mailroom.public-url=" + url));
        double seconds = cluster.startAll(READY_TIMEOUT).values().iterator().next();
        out.printf("  Mailroom started in the api role only (%s, ready after %.1f s)%n", url, seconds);
        return url;
    }

    private HistoryReaders readers(String url) {
        return new HistoryReaders(
                url, o.readers(), o.requests(), o.kindTime(), o.pageDepth(), o.memberPageDepth(), o.seed(), out);
    }

    private record PlansOutcome(List<QueryPlans.Plan> plans, String how) {}

    /**
     * auto_explain for the database, a new api process (its sessions load it), each kind of request three times one
     * after the other for each organization measured, the plans read from PostgreSQL's log; auto_explain off again.
     */
    private PlansOutcome plans(Path runDir, Infrastructure infrastructure, List<HistoryReaders.Target> targets)
            throws Exception {
        Database db = infrastructure.database();
        if (!isSetAside(db.name())) {
            return new PlansOutcome(
                    List.of(),
                    "skipped: auto_explain would be switched on for database " + db.name()
                            + ", which is not one set aside for benchmarks (its name does not contain history or bench)");
        }
        QueryPlans plans = new QueryPlans(db, o.postgresLog() != null ? o.postgresLog() : QueryPlans.debianLog(db));
        String unavailable = plans.unavailable();
        if (unavailable != null) {
            out.println("  no query plans: " + unavailable);
            return new PlansOutcome(List.of(), "none: " + unavailable);
        }
        out.println("  query plans: auto_explain on for " + db.name() + ", a new api process, each kind 3 times...");
        List<QueryPlans.Plan> found;
        plans.enable();
        try {
            long from = plans.logSize();
            try (MailroomCluster cluster = cluster(runDir, infrastructure, List.of());
                    Connection marker = db.connect()) {
                HistoryReaders readers = readers(startApi(cluster, "api-explain"));
                for (HistoryReaders.Target target : targets) {
                    String org = target.sample().organizationId;
                    for (QueryKind kind : QueryKind.values()) {
                        readers.sequential(target, kind, 3, k -> plans.mark(marker, k, org));
                    }
                }
                plans.endMarks(marker);
            }
            Thread.sleep(1000);
            found = QueryPlans.slowest(plans.readFrom(from), db.name());
        } finally {
            plans.disable();
        }
        out.println("  auto_explain off again; plans found for " + found.size() + " kinds of " + targets.size()
                + " organization(s)");
        return new PlansOutcome(
                found,
                "auto_explain (log_min_duration 0, log_analyze, log_buffers, log_timing) switched on for database "
                        + db.name() + " only, with ALTER DATABASE ... SET session_preload_libraries = 'auto_explain'"
                        + " as the postgres user; a new api process (whose pool's sessions load it) answered each kind"
                        + " of request 3 times, one request at a time, for each organization measured;"
                        + " each kind's statements told apart by a marker statement the benchmark ran before them;"
                        + " the slowest statement of each kind read back from " + plans.log() + ". Then every setting"
                        + " was reset: the measured reads ran without auto_explain.");
    }

    private HistoryReport.Fill fillFigures(HistoryFill.Result fill, double schemaSeconds) {
        double factor = 10_000_000.0 / o.emails();
        double indexFactor = factor * Math.log(10_000_000.0) / Math.log(Math.max(2, o.emails()));
        double estimate = o.emails() == 10_000_000
                ? fill.totalSeconds()
                : (fill.copySeconds() + fill.membersSeconds() + fill.vacuumSeconds()) * factor
                        + fill.indexSeconds() * indexFactor;
        return new HistoryReport.Fill(
                o.emails(),
                o.days(),
                o.organizations(),
                o.seed(),
                Instant.EPOCH.plus(fill.startMicros(), ChronoUnit.MICROS),
                Instant.EPOCH.plus(fill.endMicros(), ChronoUnit.MICROS),
                fill.counts(),
                fill.rows(),
                fill.copySeconds(),
                fill.membersSeconds(),
                fill.indexSeconds(),
                fill.vacuumSeconds(),
                fill.totalSeconds(),
                schemaSeconds,
                fill.definitions().size(),
                estimate);
    }

    private HistoryReport.Machine machine(double busy, Storage.Sizes sizes) {
        long memoryMiB = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memoryMiB = Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux: left unknown.
        }
        List<String> jvm = new ArrayList<>();
        jvm.add("-Xmx" + o.heap());
        jvm.addAll(o.jvmArgs());
        return new HistoryReport.Machine(
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                memoryMiB,
                busy,
                sizes.postgresVersion(),
                sizes.settings(),
                String.join(" ", jvm));
    }

    /**
     * Drops and creates the schema the JDBC URL names ({@code currentSchema}, else {@code public}): Mailroom's
     * migrations then run into an empty one. Only a database or schema set aside for benchmarks.
     */
    static String resetSchema(Database db) throws SQLException {
        String schema = schemaOf(db.url());
        boolean allowed = "public".equals(schema) ? isSetAside(db.name()) : isSetAside(schema);
        if (!allowed) {
            throw new IllegalStateException("refusing to drop schema " + schema + " of database " + db.name()
                    + ": the history benchmark empties it first, so it must be set aside for it (a database, or a"
                    + " schema given as currentSchema=, whose name contains 'history' or 'bench')");
        }
        if (!schema.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("schema names are lower-case letters, digits and _: " + schema);
        }
        try (Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            s.execute("CREATE SCHEMA " + schema);
        }
        return schema;
    }

    static String schemaOf(String url) {
        Matcher m = CURRENT_SCHEMA.matcher(url);
        return m.find() ? m.group(1) : "public";
    }

    private static boolean isSetAside(String name) {
        String n = name.toLowerCase();
        return n.contains("history") || n.contains("bench");
    }
}
