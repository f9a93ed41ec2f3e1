package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.Broker;
import dev.mailroom.bench.cluster.Infrastructure;
import dev.mailroom.bench.cluster.LedgerCheck;
import dev.mailroom.bench.cluster.LedgerQueries;
import dev.mailroom.bench.cluster.LedgerReport;
import dev.mailroom.bench.cluster.MailroomCluster;
import dev.mailroom.bench.cluster.MailroomProcess;
import dev.mailroom.bench.cluster.RabbitMqNode;
import dev.mailroom.bench.fake.FakeSendGrid;
import dev.mailroom.contracts.QueueNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One scenario's run: a fresh fake provider and a fresh set of Mailroom processes (two operators,
 * two dispatchers, one {@code api,webhooks}) on emptied queues, the submissions, the wait for
 * the backlog to drain, and the ledger. Scenarios drive the faults in between.
 */
final class ScenarioRun implements AutoCloseable {
    static final List<String> WORK_QUEUES = List.of(QueueNames.MAILBOX, QueueNames.DISPATCHING, QueueNames.TRACKING);
    static final List<String> DEAD_LETTER_QUEUES =
            WORK_QUEUES.stream().map(q -> q + ".dlq").toList();
    private static final List<String> ALL_QUEUES = Stream.of(
                    WORK_QUEUES,
                    List.of(
                            QueueNames.DEAD_LETTERS,
                            QueueNames.DEAD_LETTERS + ".dlq",
                            QueueNames.CONTROL,
                            QueueNames.CONTROL + ".dlq"),
                    DEAD_LETTER_QUEUES)
            .flatMap(List::stream)
            .toList();
    static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    final SuiteContext suite;
    /** The broker and database of this run: the suite's, or a cluster's broker ({@link #onCluster}). */
    Infrastructure infrastructure;
    /** Look-ups (depths, purges) on this run's broker. */
    RabbitMqNode rabbit;
    /** Arguments of single processes, by name, added after the common ones (a cluster scenario's own node order). */
    final Map<String, List<String>> ownArgs = new LinkedHashMap<>();
    /** Processes started once the others are ready (only dispatcher-1 is supported). */
    final Set<String> startLast = new HashSet<>();

    final ScenarioResult result;
    final Path dir;
    /** Carried by every email of this run, so that its messages can be found by tag. */
    final String tag;

    final Instant startedAt = Instant.now();
    private final long t0 = System.nanoTime();
    private final int number;

    FakeSendGrid fake;
    MailroomCluster cluster;
    MailroomProcess api;
    final List<MailroomProcess> operators = new ArrayList<>();
    final List<MailroomProcess> dispatchers = new ArrayList<>();
    /** Processes of the notifier role alone (scenario 9); none otherwise. */
    final List<MailroomProcess> notifiers = new ArrayList<>();

    ConfirmedSubmissions submitter;
    /** The API process's bootstrap key: signs what the scenario puts in the mailbox. */
    final String apiKey = "faults-" + UUID.randomUUID();
    /** Seconds each process took to become ready when the cluster started (all at once: an upper estimate of a restart). */
    final Map<String, Double> startSeconds = new LinkedHashMap<>();

    ScenarioRun(SuiteContext suite, int number, String slug, String title) throws IOException {
        this.suite = suite;
        this.infrastructure = suite.infrastructure();
        this.rabbit = suite.rabbit();
        this.number = number;
        this.result = new ScenarioResult(number, title);
        this.dir = suite.options().workDir().resolve("s" + number + "-" + slug);
        this.tag = "faults-" + suite.runId() + "-s" + number;
        dev.mailroom.bench.Directories.deleteTree(dir);
        Files.createDirectories(dir);
    }

    /** From now on this run's processes, client and look-ups use {@code broker} (a cluster's), with the suite's database. */
    void onCluster(Broker broker) {
        infrastructure = new Infrastructure(broker, suite.infrastructure().database());
        rabbit = new RabbitMqNode(infrastructure);
    }

    void log(String format, Object... args) {
        suite.out().printf("[s%d %6.1fs] %s%n", number, seconds(t0), String.format(format, args));
        suite.out().flush();
    }

    static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    /**
     * Empties the queues, starts the fake provider with {@code fakeOptions} (its webhook URL is
     * filled in here) and the five processes with the common settings plus {@code extraArgs}, and
     * waits until every process is ready.
     */
    void startCluster(FakeSendGrid.Options fakeOptions, List<String> extraArgs) throws Exception {
        startCluster(fakeOptions, extraArgs, 0);
    }

    /** As {@link #startCluster(FakeSendGrid.Options, List)}, with {@code notifierCount} processes of the notifier role alone. */
    void startCluster(FakeSendGrid.Options fakeOptions, List<String> extraArgs, int notifierCount) throws Exception {
        long purged = rabbit.purge(ALL_QUEUES);
        int apiPort = MailroomCluster.freePort();
        String apiUrl = "http://127.0.0.1:" + apiPort;
        fake = FakeSendGrid.start(0, fakeOptions.withWebhookUrl(apiUrl + "/webhooks/sendgrid"));
        SuiteOptions options = suite.options();
        List<String> common = new ArrayList<>(List.of(
                "--mailroom.providers.default=sendgrid",
                "--mailroom.providers.sendgrid.api-key=SG.fault-suite",
                "--mailroom.providers.sendgrid.base-url=" + fake.baseUrl(),
                "--mailroom.providers.sendgrid.webhook-public-key=" + fake.publicKey(),
                "--mailroom.public-url=" + apiUrl,
                // Metrics need a token; the suite does not scrape them, but every process is set up as a deployment
                // would be.
                "--mailroom.management.metrics-token=faults-metrics-" + UUID.randomUUID(),
                "--mailroom.dispatcher.batch-size=" + options.dispatcherBatchSize(),
                "--mailroom.dispatcher.consumers=" + options.dispatcherConsumers(),
                // Every process knows the bootstrap key: an operator checks a mailbox message signed with it even
                // before the API process has written the key's row.
                "--mailroom.api.bootstrap-key=" + apiKey));
        common.addAll(extraArgs);
        cluster = new MailroomCluster(
                suite.launch().jar(), dir, infrastructure, suite.launch().jvmOptions(), common);
        operators.add(cluster.add("operator-1", "operator", own("operator-1")));
        operators.add(cluster.add("operator-2", "operator", own("operator-2")));
        api = cluster.add("api-webhooks", "api,webhooks", apiPort, own("api-webhooks"));
        if (!startLast.contains("dispatcher-1")) {
            dispatchers.add(cluster.add("dispatcher-1", "dispatcher", own("dispatcher-1")));
        }
        dispatchers.add(cluster.add("dispatcher-2", "dispatcher", own("dispatcher-2")));
        for (int i = 1; i <= notifierCount; i++) {
            notifiers.add(cluster.add("notifier-" + i, "notifier", own("notifier-" + i)));
        }
        startSeconds.putAll(cluster.startAll(START_TIMEOUT));
        if (startLast.contains("dispatcher-1")) {
            // Once the others have declared the queues (so that their leaders are where the others connected).
            dispatchers.add(0, cluster.add("dispatcher-1", "dispatcher", own("dispatcher-1")));
            startSeconds.putAll(cluster.startAll(START_TIMEOUT));
        }
        log(
                "%d queued messages purged; fake SendGrid on %s; ready after %s s: %s",
                purged,
                fake.baseUrl(),
                startSeconds.values().stream()
                        .max(Double::compare)
                        .map(s -> String.format("%.1f", s))
                        .orElse("?"),
                cluster.processes().stream()
                        .map(p -> p.name() + " pid " + p.pid())
                        .collect(Collectors.joining(", ")));
    }

    private List<String> own(String process) {
        return ownArgs.getOrDefault(process, List.of());
    }

    /** The slowest start-up among {@code processes} when the cluster started. */
    double slowestStart(List<MailroomProcess> processes) {
        return processes.stream()
                .mapToDouble(p -> startSeconds.getOrDefault(p.name(), 20.0))
                .max()
                .orElse(20.0);
    }

    void submit(int messages, double ratePerSecond) throws IOException {
        prepareSubmitter(messages, ratePerSecond);
        startSubmitter();
    }

    /** The submitter, connected but not submitting yet ({@link #startSubmitter}). */
    ConfirmedSubmissions prepareSubmitter(int messages, double ratePerSecond) throws IOException {
        submitter = new ConfirmedSubmissions(infrastructure.broker(), apiKey, tag, messages, ratePerSecond);
        submitter.connect();
        return submitter;
    }

    void startSubmitter() throws IOException {
        int messages = submitter.messages();
        double ratePerSecond = submitter.rate();
        submitter.start();
        log(
                "submitting %d emails through the Java client at %s, tagged %s",
                messages, ratePerSecond > 0 ? String.format("%.0f/s", ratePerSecond) : "full speed", tag);
    }

    /** {@code kill -9}, then the same command line again at once. */
    void killAndRestart(MailroomProcess process, String why) throws Exception {
        long pid = process.pid();
        process.kill9();
        log(
                "kill -9 %s (pid %d)%s; %d/%d confirmed so far; restarting it",
                process.name(), pid, why, submitter.confirmedCount(), submitter.messages());
        process.start();
    }

    /** What {@link #awaitDrained} saw. */
    record Drain(boolean drained, double drainSeconds, Map<String, Long> statuses) {}

    /**
     * Waits for the submitter to finish, then until every confirmed id is in a terminal status,
     * the fake has posted all its events, the work queues are empty and the statuses stopped
     * changing — or until the drain timeout. Drain time: from the later of the end of the
     * submissions and {@code faultEndNanos} until every confirmed id was terminal.
     */
    Drain awaitDrained(long faultEndNanos) throws InterruptedException {
        Duration timeout = suite.options().drainTimeout();
        long lastProgress = 0;
        // Until the submissions end, only this bound holds: a broker that never comes back must not hang the suite.
        long deadline = System.nanoTime() + 3 * timeout.toNanos();
        boolean submissionsEnded = false;
        long allTerminalAt = 0;
        Map<String, Long> previous = null;
        int unchangedPolls = 0;
        Map<String, Long> counts = Map.of();
        Connection db = null;
        try {
            while (true) {
                List<MailroomProcess> died = cluster.exited();
                if (!died.isEmpty()) {
                    result.failures.add("process(es) exited unexpectedly: "
                            + died.stream()
                                    .map(p -> p.name() + " (exit " + p.exitCode() + ")")
                                    .toList());
                    return new Drain(false, Double.NaN, counts);
                }
                if (submitter.finished() && !submissionsEnded) {
                    submissionsEnded = true;
                    deadline = Math.max(System.nanoTime(), faultEndNanos) + timeout.toNanos();
                }
                List<UUID> ids = submitter.confirmedIds();
                String dbState;
                try {
                    if (db == null || db.isClosed()) {
                        db = infrastructure.database().connect();
                    }
                    counts = LedgerQueries.statusCounts(db, ids);
                    dbState = counts.toString();
                } catch (SQLException e) {
                    closeQuietly(db);
                    db = null;
                    dbState = "database unreachable";
                    counts = Map.of();
                }
                long terminal = counts.entrySet().stream()
                        .filter(e -> LedgerCheck.TERMINAL.contains(e.getKey()))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
                Map<String, Long> depths = depths(WORK_QUEUES);
                boolean allTerminal = submitter.finished() && terminal == ids.size() && !counts.isEmpty();
                if (allTerminal && allTerminalAt == 0) {
                    allTerminalAt = System.nanoTime();
                }
                if (!allTerminal) {
                    allTerminalAt = 0;
                }
                boolean quiet =
                        fake.pendingEvents() == 0 && depths.values().stream().allMatch(d -> d == 0);
                unchangedPolls = counts.equals(previous) ? unchangedPolls + 1 : 0;
                // Two unchanged polls: a webhook batch in flight when the fake's queue emptied has been recorded.
                if (allTerminal && quiet && unchangedPolls >= 2) {
                    double drain = (allTerminalAt - Math.max(submitter.finishedNanos(), faultEndNanos)) / 1e9;
                    log("drained: %s; queues %s", counts, depths);
                    return new Drain(true, Math.max(0, drain), counts);
                }
                previous = counts;
                if (System.nanoTime() - lastProgress > PROGRESS_EVERY.toNanos()) {
                    lastProgress = System.nanoTime();
                    FakeSendGrid.Stats s = fake.stats();
                    log(
                            "confirmed %d/%d (unconfirmed %d) | %s | queues %s | provider: %d sent, %d refused, %d events posted, %d pending",
                            submitter.confirmedCount(),
                            submitter.messages(),
                            submitter.unconfirmed(),
                            dbState,
                            depths,
                            s.sendsAccepted.sum(),
                            s.sendsRefused503.sum() + s.sendsRefused429.sum(),
                            s.eventsPosted.sum(),
                            fake.pendingEvents());
                }
                if (System.nanoTime() > deadline) {
                    log("NOT drained within %d s: %s; queues %s", timeout.toSeconds(), counts, depths);
                    result.failures.add(
                            submissionsEnded
                                    ? "did not drain within " + timeout.toSeconds()
                                            + " s of the end of the fault and the submissions"
                                    : "submissions did not end: " + submitter.confirmedCount() + "/"
                                            + submitter.messages() + " confirmed, last" + " failure "
                                            + submitter.lastFailure());
                    return new Drain(false, Double.NaN, counts);
                }
                Thread.sleep(1000);
            }
        } finally {
            closeQuietly(db);
        }
    }

    /** Ready-message counts of the queues (-1: the broker is unreachable or the queue missing). */
    Map<String, Long> depths(List<String> queues) {
        Map<String, Long> depths = new LinkedHashMap<>();
        for (String q : queues) {
            long depth;
            try {
                depth = rabbit.depth(q);
            } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
                depth = -1;
            }
            depths.put(q.substring(q.indexOf('.') + 1), depth);
        }
        return depths;
    }

    LedgerReport ledger() throws SQLException {
        try (Connection db = infrastructure.database().connect()) {
            return LedgerQueries.check(db, submitter.confirmedIds(), fake.stats().acceptedPerMessage);
        }
    }

    /** The ending every scenario shares: wait for the drain, then check the ledger and record it. */
    LedgerReport drainAndRecordLedger(long faultEndNanos) throws InterruptedException, SQLException {
        Drain drain = awaitDrained(faultEndNanos);
        LedgerReport ledger = ledger();
        recordLedger(ledger, drain);
        return ledger;
    }

    /** The figures every scenario reports, and the assertions every scenario makes: nothing lost, nothing recorded twice. */
    void recordLedger(LedgerReport ledger, Drain drain) {
        result.sent = ledger.submitted();
        result.delivered = ledger.delivered();
        result.lost = ledger.lost();
        result.duplicateRows = ledger.duplicateRows();
        result.duplicateSends = ledger.duplicateSends();
        result.drainSeconds = drain.drainSeconds();
        result.check(
                ledger.submitted() == submitter.messages(),
                "only " + ledger.submitted() + " of " + submitter.messages() + " submissions were confirmed");
        result.check(ledger.lost() == 0, ledger.lost() + " lost (missing or not terminal)");
        result.check(ledger.duplicateRows() == 0, ledger.duplicateRows() + " duplicate rows");
        result.failures.addAll(
                ledger.problems().stream().map(p -> "ledger: " + p).toList());
        result.note(
                "final statuses %s; repeated deliveries in the database (its view of duplicate sends): %d",
                ledger.statusCounts(), ledger.repeatedDeliveries());
        if (submitter.unconfirmed() > 0) {
            result.note(
                    "%d submits were not confirmed and were submitted again (%d client reconnects); last failure: %s",
                    submitter.unconfirmed(), submitter.reconnects(), submitter.lastFailure());
        }
        result.note("logs: %s", dir);
    }

    /** Messages carrying this run's tag whose submit was never confirmed: sent in addition, outside the ledger. */
    long orphans() throws SQLException {
        Set<UUID> confirmed = new HashSet<>(submitter.confirmedIds());
        long orphans = 0;
        try (Connection db = infrastructure.database().connect();
                PreparedStatement st = db.prepareStatement("SELECT message_id FROM message_tags WHERE tag = ?")) {
            st.setString(1, tag);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (!confirmed.contains(rs.getObject(1, UUID.class))) {
                        orphans++;
                    }
                }
            }
        }
        return orphans;
    }

    /** WARN and ERROR lines per process log, for the notes. */
    void noteLogLevels() {
        if (cluster == null) {
            return;
        }
        List<String> counts = new ArrayList<>();
        for (MailroomProcess p : cluster.processes()) {
            long errors = p.grep(" ERROR ").size();
            long warnings = p.grep(" WARN ").size();
            if (errors + warnings > 0) {
                counts.add(p.name() + " " + errors + " ERROR/" + warnings + " WARN");
            }
        }
        if (!counts.isEmpty()) {
            result.note("log lines: %s", String.join(", ", counts));
        }
    }

    void printLogTails(int lines) {
        if (cluster != null) {
            cluster.printLogTails(suite.out(), lines);
        }
    }

    @Override
    public void close() {
        if (submitter != null) {
            submitter.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    private static void closeQuietly(Connection db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException ignored) {
                // Gone with the database.
            }
        }
    }
}
