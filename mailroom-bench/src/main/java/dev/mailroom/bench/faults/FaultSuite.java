package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.Infrastructure;
import dev.mailroom.bench.cluster.MailroomCluster;
import dev.mailroom.bench.cluster.PostgresServer;
import dev.mailroom.bench.cluster.RabbitMqNode;
import dev.mailroom.bench.cluster.StartupArchive;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code faults}: the fault-injection suite (issue 4). Each scenario starts Mailroom as separate
 * processes of the real jar (two operators, two dispatchers, one {@code api,webhooks}) against
 * RabbitMQ and PostgreSQL, with {@link dev.mailroom.bench.fake.FakeSendGrid} as the default
 * provider, submits emails through the Java client, injects its fault, waits for the backlog to
 * drain and checks the ledger ({@link dev.mailroom.bench.cluster.LedgerCheck}). Prints a table;
 * exits 1 if any scenario failed.
 *
 * <p>It works in a virtual host and a database of its own (created if missing), so that it
 * neither purges anybody's queues nor sees their messages; the RabbitMQ restart and the
 * PostgreSQL outage do affect everything on the machine.
 */
public final class FaultSuite {
    private static final int TAIL_LINES = 40;
    private static final Map<Integer, Supplier<FaultScenario>> SCENARIOS = Map.ofEntries(
            Map.entry(1, KillScenario::dispatchers),
            Map.entry(2, KillScenario::operators),
            Map.entry(3, BrokerRestart::new),
            Map.entry(4, DatabaseOutage::new),
            Map.entry(5, ProviderRefusals::new),
            Map.entry(6, PoisonMessages::new),
            Map.entry(7, WebhookChaos::new),
            Map.entry(8, QuotaHolderKill::new),
            Map.entry(9, NotifierKills::new),
            // Issue 16 (retention): operators killed during retention runs.
            Map.entry(14, RetentionKills::new),
            // Issue 15 (its items 8 to 11): on a 3-node cluster the suite starts itself.
            Map.entry(10, ClusterFaults::leaderKill),
            Map.entry(11, ClusterFaults::followerRestart),
            Map.entry(12, ClusterFaults::connectedNodeKill),
            Map.entry(13, ClusterFaults::partition));

    private FaultSuite() {}

    public static int run(String[] args) throws Exception {
        // The client's connection drops when RabbitMQ restarts, on purpose: no stack traces for that.
        System.setProperty("org.slf4j.simpleLogger.log.com.rabbitmq.client", "error");
        PrintStream out = System.out;
        SuiteOptions options;
        try {
            options = SuiteOptions.parse(args, benchJarDirectory());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(SuiteOptions.USAGE);
            return 2;
        }
        if (options.help()) {
            out.println(SuiteOptions.USAGE);
            return 0;
        }
        if (!Files.isRegularFile(options.mailroomJar())) {
            System.err.println("no Mailroom jar at " + options.mailroomJar()
                    + "; build it: ./mvnw -q -pl mailroom-server,mailroom-bench -am -DskipTests package");
            return 2;
        }
        Infrastructure infrastructure =
                Infrastructure.fromEnvironment().isolatedIn(options.vhost(), options.database());
        RabbitMqNode rabbit = new RabbitMqNode(infrastructure);
        PostgresServer postgres = new PostgresServer(infrastructure, options.pgVersion(), options.pgCluster());
        rabbit.ensureVhost();
        postgres.ensureDatabase();
        String runId = LocalDateTime.now().format(DateTimeFormatter.ofPattern("MMddHHmmss"));
        SharedCluster cluster = new SharedCluster(
                options.workDir().resolve("rabbitmq-cluster"),
                infrastructure.broker().user(),
                infrastructure.broker().password(),
                out);
        StartupArchive launch = options.startupArchive()
                ? StartupArchive.prepare(
                        options.mailroomJar(),
                        options.workDir().resolve("startup-archive"),
                        MailroomCluster.SMALL_JVM,
                        out)
                : StartupArchive.none(options.mailroomJar(), MailroomCluster.SMALL_JVM);
        SuiteContext suite = new SuiteContext(options, infrastructure, rabbit, postgres, runId, out, cluster, launch);
        try {
            return runScenarios(suite);
        } finally {
            cluster.close();
        }
    }

    private static int runScenarios(SuiteContext suite) throws Exception {
        SuiteOptions options = suite.options();
        Infrastructure infrastructure = suite.infrastructure();
        PrintStream out = suite.out();
        String runId = suite.runId();

        out.printf(
                "Fault-injection suite %s: scenarios %s, RabbitMQ %s:%d vhost '%s', PostgreSQL %s, Mailroom %s, logs under %s%n",
                runId,
                options.scenarios(),
                infrastructure.broker().host(),
                infrastructure.broker().port(),
                infrastructure.broker().vhost(),
                infrastructure.database().url(),
                options.mailroomJar(),
                options.workDir());
        List<ScenarioResult> results = new ArrayList<>();
        long suiteStart = System.nanoTime();
        for (int number : options.scenarios()) {
            FaultScenario scenario = SCENARIOS.get(number).get();
            int messages = options.messages() != null ? options.messages() : scenario.defaultMessages();
            out.printf("%n=== Scenario %d: %s (%d emails) ===%n", number, scenario.title(), messages);
            long start = System.nanoTime();
            ScenarioRun run = new ScenarioRun(suite, number, scenario.slug(), scenario.title());
            try {
                scenario.run(run, messages);
            } catch (Exception | AssertionError e) {
                run.result.failures.add("aborted: " + e);
                e.printStackTrace(out);
            } finally {
                run.noteLogLevels();
                if (!run.result.passed()) {
                    run.printLogTails(TAIL_LINES);
                }
                run.close();
            }
            run.result.totalSeconds = ScenarioRun.seconds(start);
            results.add(run.result);
            out.printf(
                    "=== Scenario %d: %s in %.0f s%s%n",
                    number,
                    run.result.passed() ? "PASS" : "FAIL",
                    run.result.totalSeconds,
                    run.result.passed() ? "" : ": " + run.result.failures);
        }
        ResultTable.print(out, results);
        out.printf("Suite took %.0f s%n", ScenarioRun.seconds(suiteStart));
        return results.stream().allMatch(ScenarioResult::passed) ? 0 : 1;
    }

    /** The directory of the running bench jar (mailroom-bench/target), or the working directory's when run from classes. */
    private static Path benchJarDirectory() {
        try {
            Path location = Path.of(FaultSuite.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            return location.getParent();
        } catch (Exception e) {
            return Path.of("mailroom-bench", "target").toAbsolutePath();
        }
    }
}
