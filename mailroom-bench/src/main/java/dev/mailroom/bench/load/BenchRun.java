package dev.mailroom.bench.load;

import dev.mailroom.bench.cluster.Database;
import dev.mailroom.bench.cluster.MailroomProcess;
import dev.mailroom.bench.fake.FakeSendGrid;
import dev.mailroom.bench.report.BenchReport;
import dev.mailroom.bench.submit.AmqpSubmitter;
import dev.mailroom.bench.submit.RestSubmitter;
import dev.mailroom.bench.submit.Submitter;
import dev.mailroom.contracts.ActivityBatch;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.MessageStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * One benchmark run from start to report: start (or find) Mailroom and the fake provider,
 * measure the infrastructure ceilings, warm up, load, drain, read back what Mailroom recorded,
 * stop everything it started, and put the figures together.
 */
final class BenchRun {
    /** PostgreSQL backends publish their statistics at most once a second; give them time before the last reading. */
    private static final Duration STATS_FLUSH = Duration.ofMillis(2_500);

    final BenchOptions o;
    final PrintStream out;
    final String runId;
    final Instant startedAt = Instant.now();
    private final Path runDir;
    final List<String> notes = new ArrayList<>();
    private double busyBeforeRun;

    BenchRun(BenchOptions options, PrintStream out) throws IOException {
        this.o = options;
        this.out = out;
        this.runId = dev.mailroom.bench.report.ReportFiles.runId(startedAt);
        this.runDir = Files.createTempDirectory("mailroom-bench-" + runId + "-");
    }

    BenchReport run() throws Exception {
        out.println("Mailroom benchmark " + runId + ": " + o.mode() + ", setup " + o.setup() + "; logs and profiles in "
                + runDir);
        busyBeforeRun = ProcessSampler.machineBusyOver(Duration.ofSeconds(3));
        if (o.profile()) {
            notes.add(
                    "Profiled run: the flight recordings (waits from 1 ms, thread events) cost CPU of their own; compare CPU and"
                            + " throughput with unprofiled runs only.");
        }
        out.printf(
                "  the machine is %.0f%% busy before the run (100%% = one core of %d)%n",
                busyBeforeRun, Runtime.getRuntime().availableProcessors());
        if (busyBeforeRun > 20) {
            notes.add(String.format(
                    "Before the benchmark started anything, the machine was already %.0f%% busy (others' work).",
                    busyBeforeRun));
        }
        if (o.keepDatabase()) {
            String kept = DatabaseCounters.keptEmails(o.infrastructure().database());
            out.println("  on a database kept from before (--keep-database): " + kept);
            notes.add("On a database kept from before (--keep-database), its schema migrated, not reset: " + kept
                    + ". The run's emails are counted among the organizations the benchmark created for it.");
        }
        try (MailroomUnderTest mailroom = MailroomUnderTest.start(o, runDir)) {
            for (MailroomProcess s : mailroom.processes()) {
                out.println("  started " + s.name() + " (" + s.roles() + ") pid " + s.pid() + " on " + s.url());
            }
            if (o.mode() == BenchOptions.Mode.PIPELINE) {
                out.println("  load spread over " + mailroom.submitKeys.size() + " organization(s): " + keys(mailroom));
            }
            BenchReport.Ceilings ceilings = ceilings(mailroom);
            return switch (o.mode()) {
                case INGEST -> ingest(mailroom, ceilings);
                case FAIRNESS -> new FairnessRun(this).run(mailroom);
                case QUOTA -> new QuotaRun(this).run(mailroom);
                case PIPELINE -> pipeline(mailroom, ceilings);
            };
        } finally {
            // The embedded broker's and databases' files are big and of no use afterwards; logs and profiles stay.
            deleteTree(runDir.resolve("data"));
            deleteTree(runDir.resolve("ceiling-h2"));
        }
    }

    private static void deleteTree(Path dir) {
        try {
            dev.mailroom.bench.Directories.deleteTree(dir);
        } catch (IOException e) {
            // Left in the temporary directory: harmless.
        }
    }

    // ------------------------------------------------------------------------------------------
    // Ceilings

    private BenchReport.Ceilings ceilings(MailroomUnderTest mailroom) throws Exception {
        if (o.ceilingDuration().isZero()) {
            return null;
        }
        int size = meanQueueMessageBytes();
        out.printf(
                "Infrastructure ceilings (Mailroom idle), %d s each...%n",
                o.ceilingDuration().toSeconds());
        AmqpCeiling.Result amqp = AmqpCeiling.measure(mailroom.broker(), size, o.ceilingDuration());
        out.printf("  AMQP publish-confirm-consume: %,.0f messages/s (%s)%n", amqp.messagesPerSecond(), amqp.how());
        Database target = DatabaseCeiling.target(mailroom.database(), runDir);
        DatabaseCeiling.Result db = DatabaseCeiling.measure(target, o.ceilingDuration());
        out.printf("  database batched inserts:     %,.0f rows/s (%s)%n", db.rowsPerSecond(), db.how());
        return new BenchReport.Ceilings(
                Round.one(amqp.messagesPerSecond()), amqp.how(), Round.one(db.rowsPerSecond()), db.how());
    }

    /**
     * The mean size of the queue messages the load causes, for the AMQP ceiling. Per email: its
     * submission and its dispatch command (each carries the whole email), and its share of the
     * tracking messages. Reports produced together travel as one tracking message: a dispatcher
     * batch's outcomes (up to D, its batch size) and one webhook call's events (up to W,
     * {@code --webhook-batch}; the sandbox posts each event alone). So an email causes about
     * 2 + 1/D + E/W messages (E events per email): two email-sized ones and small shares of big
     * batches. The mean is all those bytes over all those messages, with full batches (the
     * configured maximums, which a loaded pipeline nearly fills). One mean size for all is a
     * simplification — the broker's cost is mostly per message, so it is close enough — and
     * the messages per email themselves are counted in the run. In ingest mode every message is
     * one webhook call's batch.
     */
    private int meanQueueMessageBytes() {
        ActivityReport report = ActivityReport.event(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "fake1a2b3c4d5e6f",
                "sendgrid",
                MessageStatus.DELIVERED,
                Instant.now(),
                "user1@bench.example",
                "delivered",
                Map.of("smtpResponse", "250 2.0.0 OK (fake)"));
        if (o.mode() == BenchOptions.Mode.INGEST) {
            return trackingMessageBytes(report, o.webhookBatch());
        }
        BenchEmails emails = new BenchEmails(runId, "size", o.bodyBytes(), false);
        int submit =
                ContractJson.write(AmqpSubmitter.submitMessage(UUID.randomUUID(), "default", emails.nth(1))).length;
        int dispatch = ContractJson.write(new dev.mailroom.contracts.DispatchCommand(
                        UUID.randomUUID(), "default", 1, null, emails.nth(1)))
                .length;
        int perDispatch = dispatcherBatchSize();
        int perCall = o.provider().equals("sandbox") ? 1 : o.webhookBatch();
        double events = eventsPerEmail();
        double bytes = submit
                + dispatch
                + (double) trackingMessageBytes(report, perDispatch) / perDispatch
                + events * trackingMessageBytes(report, perCall) / perCall;
        double messages = 2 + 1.0 / perDispatch + events / perCall;
        return (int) Math.round(bytes / messages);
    }

    /** One tracking message of n reports: a single report in its own form, more as one activities batch. */
    static int trackingMessageBytes(ActivityReport report, int n) {
        return n == 1
                ? ContractJson.write(report).length
                : ContractJson.write(new ActivityBatch(Collections.nCopies(n, report))).length;
    }

    /**
     * The dispatcher's batch size: Mailroom's default (50) unless given with --server-arg; at most
     * 500, as a tracking message carries at most 500 reports.
     */
    private int dispatcherBatchSize() {
        int size = 50;
        for (String arg : o.serverArgs()) {
            if (arg.startsWith("--mailroom.dispatcher.batch-size=")) {
                try {
                    size = Integer.parseInt(arg.substring(arg.indexOf('=') + 1).trim());
                } catch (NumberFormatException e) {
                    // Mailroom will refuse it anyway.
                }
            }
        }
        return Math.max(1, Math.min(500, size));
    }

    private double eventsPerEmail() {
        return o.provider().equals("sandbox") ? 3 : 1 + o.openRate() + o.openRate() * o.clickRate();
    }

    // ------------------------------------------------------------------------------------------
    // Pipeline

    private BenchReport pipeline(MailroomUnderTest mailroom, BenchReport.Ceilings ceilings) throws Exception {
        FakeSendGrid fake = mailroom.fake;
        boolean sandbox = fake == null;
        List<ProcessSampler.Watched> watched = watched(mailroom);
        SubmissionLog warmupLog = new SubmissionLog();
        SubmissionLog log = new SubmissionLog();
        ConfirmedInBothPhases confirmed = new ConfirmedInBothPhases(warmupLog, log);
        try (QueueDepths queues = new QueueDepths(mailroom.broker());
                ProcessSampler sampler = new ProcessSampler(
                        watched,
                        mailroom.broker().rabbitMq(),
                        mailroom.database().postgres());
                ProgressMonitor progress =
                        new ProgressMonitor(out, "submitted", confirmed::sum, fake, queues, sampler);
                Submitter submitter = submitter(mailroom)) {
            sampler.start();
            progress.start("warm-up");
            if (!o.warmup().isZero()) {
                BenchEmails warm = new BenchEmails(runId, "warmup", o.bodyBytes(), sandbox);
                long warmCount = o.asFastAsPossible()
                        ? Long.MAX_VALUE
                        : Math.max(1, (long) o.rate() * o.warmup().toSeconds());
                new LoadGenerator(submitter, warm, warmupLog)
                        .run(o.rate(), Math.min(warmCount, o.count()), o.warmup(), o.maxBacklog(), queues::total);
                progress.phase("settle");
                if (!awaitTracked(mailroom, queues, warm.from(), warmupLog, Duration.ofSeconds(60))) {
                    notes.add(
                            "The warm-up's emails were not all tracked within 60 s; the measured load started anyway.");
                }
            }
            DatabaseCounters.Snapshot before = DatabaseCounters.read(mailroom.database());
            long eventsBefore = sandbox ? 0 : fake.stats().eventsPosted.sum();
            long callsBefore = sandbox ? 0 : fake.stats().webhookCalls.sum();
            if (o.profile()) {
                FlightRecordings.start(mailroom.processes(), runDir);
            }
            BenchEmails emails = new BenchEmails(runId, "bench", o.bodyBytes(), sandbox);
            PublishedMessages publishes = new PublishedMessages(watched);
            PublishedMessages.Reading publishedBefore = publishes.read();
            progress.phase("load");
            if (mailroom.sink != null) {
                mailroom.sink.measureFrom();
            }
            LoadGenerator.Outcome load = new LoadGenerator(submitter, emails, log)
                    .run(o.rate(), o.count(), o.duration(), o.maxBacklog(), queues::total);
            progress.phase("drain");
            boolean drained = awaitTracked(mailroom, queues, emails.from(), log, o.drainTimeout());
            if (!drained) {
                notes.add("Not every email was fully tracked within the drain timeout of "
                        + o.drainTimeout().toSeconds() + " s.");
            }
            long drainEnd = Clocks.nowMicros();
            PublishedMessages.Reading publishedAfter = publishes.read();
            if (o.profile()) {
                FlightRecordings.stop(mailroom.processes());
            }
            progress.phase("report");
            Thread.sleep(STATS_FLUSH.toMillis());
            DatabaseCounters.Snapshot after = DatabaseCounters.read(mailroom.database());
            long eventsPosted = sandbox ? -1 : fake.stats().eventsPosted.sum() - eventsBefore;
            long webhookCalls = sandbox ? -1 : fake.stats().webhookCalls.sum() - callsBefore;
            Map<String, Long> peakRss = sampler.peakRss();
            progress.close();
            sampler.close();

            BenchReport.Webhooks webhookFigures = null;
            if (mailroom.sink != null) {
                double settled = awaitWebhooksSettled(mailroom, drainEnd);
                webhookFigures = WebhookFigures.of(
                        mailroom.sink,
                        mailroom.endpoints,
                        instant(load.startMicros()),
                        instant(load.endMicros()),
                        settled);
                out.printf(
                        "  webhooks: %,d events at the endpoint, %.1f/s steady, lag p50 %.0f ms p99 %.0f ms, %d of %d"
                                + " sampled signatures failed%n",
                        webhookFigures.eventsReceived(),
                        webhookFigures.steadyEventsPerSecond(),
                        webhookFigures.lag().p50(),
                        webhookFigures.lag().p99(),
                        webhookFigures.signatureFailures(),
                        webhookFigures.signaturesChecked());
                if (webhookFigures.signatureFailures() > 0) {
                    notes.add(webhookFigures.signatureFailures() + " webhook requests to the customer's endpoint failed"
                            + " the Standard Webhooks check.");
                }
            }

            // After the database's last counter reading: the check's own reads are not the run's cost. Before Mailroom
            // stops: the embedded H2 is read through the auto-server of the Mailroom holding it.
            out.printf("Ledger check (DESIGN §2) over %,d confirmed emails...%n", warmupLog.size() + log.size());
            BenchReport.Ledger ledger =
                    BenchLedger.check(mailroom.database(), warmupLog, log, BenchLedger.sendsPerMessage(fake), drained);
            out.println("  " + ledgerLine(ledger));
            out.println("Reading the recorded timelines...");
            List<Timelines.Timeline> timelines = Timelines.read(mailroom.database(), mailroom.runEmails(emails.from()));
            spreadOverOrganizations(mailroom, emails.from());
            ToIntFunction<UUID> expected = expectedEvents(fake);
            PipelineAnalysis analysis =
                    new PipelineAnalysis(timelines, log, expected, load.startMicros(), load.endMicros());
            BenchReport.Pipeline pipeline =
                    analysis.pipeline(load, progress.ticks(), eventsPosted, webhookCalls, !sandbox);
            List<BenchReport.Second> series = analysis.series(progress.ticks(), sampler.samples());
            // Over REST the api publishes the submissions and counts them; the benchmark's own AMQP client is not
            // counted by Mailroom.
            long ownMailboxMessages = o.submitVia() == BenchOptions.SubmitVia.REST ? 0 : log.confirmed.sum();
            PublishedMessages.Count published =
                    PublishedMessages.between(publishedBefore, publishedAfter, ownMailboxMessages);
            BenchReport.Costs costs = EmailCosts.measure(
                    mailroom.database(), mailroom.runEmails(emails.from()), before, after, eventsPosted, published);
            BenchReport.Fractions fractions =
                    EmailCosts.fractions(ceilings, costs, pipeline.sustainedTrackedPerSecond());
            List<BenchReport.Usage> usage = usage(
                    sampler,
                    load.startMicros(),
                    load.endMicros(),
                    peakRss,
                    sampler.cpuSeconds(load.startMicros(), drainEnd),
                    pipeline.fullyTracked());
            machineNotes(sampler, usage, load.startMicros(), load.endMicros());
            BenchReport.Machine machine = machine(sampler, load.startMicros(), load.endMicros());
            List<BenchReport.HotMethods> profiles = stopAndProfile(mailroom);
            if (drainEnd - load.endMicros() > 0 && pipeline.fullyTracked() < pipeline.submitted()) {
                notes.add(String.format(
                        "%,d of %,d submitted emails were not fully tracked at the end.",
                        pipeline.submitted() - pipeline.fullyTracked(), pipeline.submitted()));
            }
            BenchReport report = new BenchReport(
                    runId,
                    startedAt.toString(),
                    o.label(),
                    "pipeline",
                    config(mailroom),
                    machine,
                    started(mailroom),
                    ceilings,
                    pipeline,
                    null,
                    ledger,
                    usage,
                    costs,
                    fractions,
                    new Verdicts(o).of(pipeline, null, usage, fractions, ledger),
                    profiles,
                    series,
                    List.copyOf(notes));
            return webhookFigures == null ? report : report.withWebhooks(webhookFigures);
        }
    }

    private static Instant instant(long epochMicros) {
        return Instant.ofEpochSecond(epochMicros / 1_000_000, (epochMicros % 1_000_000) * 1_000);
    }

    /**
     * Waits until the customer's endpoint has received nothing new for 3 s (the notifier delivers after the operator
     * recorded, so its last events may come after the pipeline's drain), at most the drain timeout.
     *
     * @return seconds from the drain's end to the last arrival, -1 if the sink never went quiet
     */
    private double awaitWebhooksSettled(MailroomUnderTest mailroom, long drainEndMicros) throws InterruptedException {
        long deadline = System.nanoTime() + o.drainTimeout().toNanos();
        long seen = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = mailroom.sink.stats().requests();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= 3_000_000_000L) {
                Instant last =
                        mailroom.sink.lastArrival() == null ? instant(drainEndMicros) : mailroom.sink.lastArrival();
                return Math.max(0, (Clocks.micros(last) - drainEndMicros) / 1e6);
            }
            Thread.sleep(250);
        }
        return -1;
    }

    private static String ledgerLine(BenchReport.Ledger l) {
        if (!l.checked()) {
            return "not checked: " + l.notChecked();
        }
        return String.format(
                "%.1f s: %,d recorded, %,d lost, %,d duplicate rows, %s",
                l.seconds(),
                l.present(),
                l.lost(),
                l.duplicateMessageRows() + l.duplicateActivityRows(),
                l.sendsCounted() ? l.duplicateSends() + " duplicate sends" : "duplicate sends not counted (sandbox)");
    }

    /** The processes the run started, and those named with --watch (a Mailroom someone else started). */
    List<ProcessSampler.Watched> watched(MailroomUnderTest mailroom) {
        List<ProcessSampler.Watched> watched = new ArrayList<>(mailroom.processes().stream()
                .map(s -> new ProcessSampler.Watched(s.name(), s.pid(), s.url(), mailroom.metricsToken))
                .toList());
        for (String spec : o.watch()) {
            String[] parts = spec.split("=", 3);
            watched.add(new ProcessSampler.Watched(
                    parts[0], Long.parseLong(parts[1]), parts.length > 2 ? parts[2] : null, mailroom.metricsToken));
        }
        if (watched.isEmpty()) {
            notes.add(
                    "No Mailroom process was watched (a running Mailroom: name its processes with --watch name=pid[=url]).");
        }
        return watched;
    }

    Submitter submitter(MailroomUnderTest mailroom) throws IOException {
        if (o.submitVia() == BenchOptions.SubmitVia.REST) {
            return new RestSubmitter(mailroom.apiUrl, mailroom.submitKeys, o.restConcurrency(), o.restBatch());
        }
        // Unconfirmed publishes over the clients' channels (one client per organization's key); enough to hide the
        // confirm round trip.
        return new AmqpSubmitter(mailroom.broker(), mailroom.submitKeys, 2_000, o.clientBulkAbove());
    }

    /** Says in the console and the report's notes how the run's messages were spread over the organizations. */
    private void spreadOverOrganizations(MailroomUnderTest mailroom, String fromEmail) {
        Map<String, Long> perOrganization;
        try {
            perOrganization =
                    DatabaseCounters.messagesPerOrganization(mailroom.database(), mailroom.runEmails(fromEmail));
        } catch (SQLException e) {
            // A figure for the report, not the ledger: the run's results stand without it.
            notes.add("Messages per organization could not be read: " + e.getMessage());
            return;
        }
        String counts = perOrganization.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
        String note = String.format(
                Locale.ROOT,
                "Messages per organization (%d of %d submitting): %s.",
                perOrganization.size(),
                mailroom.submitKeys.size(),
                counts.isEmpty() ? "none recorded" : counts);
        out.println("  " + note);
        notes.add(note);
    }

    /** Which keys the load is submitted with, and how they are used, for the console and the report. */
    private String keys(MailroomUnderTest mailroom) {
        String which;
        if (o.provisionsOrganizations()) {
            which = "one " + (o.webhookEndpoint() ? "send+read+admin" : "send+read")
                    + " key per organization, created through the REST API by its owner after signing in";
        } else if (o.startsMailroom()) {
            which = "the bootstrap key of organization default";
        } else if (!o.orgKeys().isEmpty()) {
            which = "the keys given with --org-key";
        } else {
            which = "the key given with --api-key";
        }
        return which
                + (o.submitVia() == BenchOptions.SubmitVia.REST
                        ? ", sent as Bearer tokens in turn"
                        : "; every mailbox message signed with its organization's key, clients used in turn");
    }

    /** What each message should end up with: the events the fake provider scheduled for it (the sandbox: always 3). */
    private static ToIntFunction<UUID> expectedEvents(FakeSendGrid fake) {
        if (fake == null) {
            return id -> 3;
        }
        return id -> fake.stats().eventsScheduledPerMessage.getOrDefault(id.toString(), 0);
    }

    /**
     * Waits until every submitted email of a phase has all its activities recorded. The database
     * is asked only once the queues are empty and every email was sent, so the check itself does
     * not load the database while Mailroom still works through a backlog.
     */
    boolean awaitTracked(
            MailroomUnderTest mailroom, QueueDepths queues, String from, SubmissionLog log, Duration timeout)
            throws InterruptedException, SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ToIntFunction<UUID> expected = expectedEvents(mailroom.fake);
        while (System.nanoTime() < deadline) {
            long messages = log.confirmed.sum();
            boolean allSent = mailroom.fake == null
                    || log.ids().stream()
                            .allMatch(id ->
                                    mailroom.fake.stats().acceptedPerMessage.containsKey(id.toString()));
            boolean quiet = queues.totalNow() == 0 && (mailroom.fake == null || mailroom.fake.pendingEvents() == 0);
            if (allSent && quiet) {
                long expectedActivities = PipelineAnalysis.PIPELINE_ACTIVITIES * messages
                        + log.ids().stream().mapToLong(expected::applyAsInt).sum();
                long[] counts = Timelines.counts(mailroom.database(), mailroom.runEmails(from));
                if (counts[0] >= messages && counts[1] >= expectedActivities) {
                    return true;
                }
            }
            Thread.sleep(500);
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------
    // Ingest

    private BenchReport ingest(MailroomUnderTest mailroom, BenchReport.Ceilings ceilings) throws Exception {
        List<ProcessSampler.Watched> watched = watched(mailroom);
        WebhookFlood flood = new WebhookFlood(mailroom.fake, mailroom.apiUrl, o.webhookBatch());
        LongAdder warmupEvents = new LongAdder();
        LongAdder measured = new LongAdder();
        try (QueueDepths queues = new QueueDepths(mailroom.broker());
                ProcessSampler sampler = new ProcessSampler(
                        watched,
                        mailroom.broker().rabbitMq(),
                        mailroom.database().postgres());
                ProgressMonitor progress = new ProgressMonitor(
                        out, "events", () -> warmupEvents.sum() + measured.sum(), null, queues, sampler)) {
            sampler.start();
            progress.start("warm-up");
            if (!o.warmup().isZero()) {
                flood.run(o.ingestConcurrency(), Long.MAX_VALUE, o.warmup(), warmupEvents);
                progress.phase("settle");
                awaitQueuesEmpty(queues, Duration.ofSeconds(60));
            }
            long recordedBefore = sendGridActivities(mailroom.database());
            PublishedMessages publishes = new PublishedMessages(watched);
            PublishedMessages.Reading publishedBefore = publishes.read();
            if (o.profile()) {
                FlightRecordings.start(mailroom.processes(), runDir);
            }
            progress.phase("load");
            WebhookFlood.Result result = flood.run(o.ingestConcurrency(), o.count(), o.duration(), measured);
            progress.phase("drain");
            boolean drained = awaitQueuesEmpty(queues, o.drainTimeout());
            long drainEnd = Clocks.nowMicros();
            PublishedMessages.Count published = PublishedMessages.between(publishedBefore, publishes.read(), 0);
            if (!drained) {
                notes.add(
                        "The tracking queue was not empty within the drain timeout: the operators could not keep up.");
            }
            if (o.profile()) {
                FlightRecordings.stop(mailroom.processes());
            }
            Map<String, Long> peakRss = sampler.peakRss();
            progress.close();
            sampler.close();
            long recorded = sendGridActivities(mailroom.database()) - recordedBefore;
            double recordedSeconds = (drainEnd - result.startMicros()) / 1e6;
            BenchReport.Ingest ingest = new BenchReport.Ingest(
                    result.events(),
                    result.calls(),
                    result.failedCalls(),
                    result.lastFailure(),
                    Round.one(result.seconds()),
                    Round.one(result.events() / result.seconds()),
                    Percentiles.of("webhook call", result.callMicros()),
                    Round.one(recorded / recordedSeconds),
                    recorded,
                    Round.one((drainEnd - result.endMicros()) / 1e6));
            List<BenchReport.Second> series = ingestSeries(progress.ticks(), sampler.samples(), result.startMicros());
            List<BenchReport.Usage> usage = usage(
                    sampler,
                    result.startMicros(),
                    result.endMicros(),
                    peakRss,
                    sampler.cpuSeconds(result.startMicros(), drainEnd),
                    recorded);
            machineNotes(sampler, usage, result.startMicros(), result.endMicros());
            BenchReport.Machine machine = machine(sampler, result.startMicros(), result.endMicros());
            if (ceilings != null) {
                // One webhook call's events travel as one persistent, confirmed tracking message (at most 500 reports
                // each).
                long messages = published.counted()
                        ? published.byQueue().get(PublishedMessages.TRACKING)
                        : result.calls() - result.failedCalls();
                double perSecond = messages / result.seconds();
                notes.add(String.format(
                        "The events of one webhook call travel as one persistent, confirmed message on the tracking queue"
                                + " (%s): %,d messages, %,.0f/s during the load, %.0f%% of the AMQP ceiling of %,.0f messages/s of that size.",
                        published.counted()
                                ? "counted by Mailroom"
                                : "one per accepted call; not counted because " + published.how(),
                        messages,
                        perSecond,
                        100 * perSecond / ceilings.amqpMessagesPerSecond(),
                        ceilings.amqpMessagesPerSecond()));
            }
            List<BenchReport.HotMethods> profiles = stopAndProfile(mailroom);
            return new BenchReport(
                    runId,
                    startedAt.toString(),
                    o.label(),
                    "ingest",
                    config(mailroom),
                    machine,
                    started(mailroom),
                    ceilings,
                    null,
                    ingest,
                    null,
                    usage,
                    null,
                    null,
                    new Verdicts(o).of(null, ingest, usage, null),
                    profiles,
                    series,
                    List.copyOf(notes));
        }
    }

    /** Polls until the three queues are empty twice in a row (a batch in a consumer's hands is not counted as waiting). */
    private static boolean awaitQueuesEmpty(QueueDepths queues, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int emptyInARow = 0;
        while (System.nanoTime() < deadline) {
            emptyInARow = queues.totalNow() == 0 ? emptyInARow + 1 : 0;
            if (emptyInARow >= 3) {
                return true;
            }
            Thread.sleep(250);
        }
        return false;
    }

    private static long sendGridActivities(Database db) throws SQLException {
        try (java.sql.Connection c = db.connect();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*) FROM activities WHERE provider = 'sendgrid' AND provider_event IS NOT NULL")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<BenchReport.Second> ingestSeries(
            List<PipelineAnalysis.Tick> ticks, List<ProcessSampler.Sample> samples, long start) {
        List<BenchReport.Second> series = new ArrayList<>();
        long previous = -1;
        for (PipelineAnalysis.Tick tick : ticks) {
            int t = (int) Math.floorDiv(tick.atMicros() - start, 1_000_000L);
            long events = previous < 0 ? 0 : tick.confirmed() - previous;
            previous = tick.confirmed();
            if (t < 0) {
                continue;
            }
            ProcessSampler.Sample sample = samples.stream()
                    .filter(s -> Math.floorDiv(s.atMicros() - start, 1_000_000L) == t)
                    .reduce((a, b) -> b)
                    .orElse(null);
            series.add(new BenchReport.Second(
                    t,
                    0,
                    0,
                    0,
                    events,
                    -1,
                    -1,
                    -1,
                    -1,
                    sample == null ? Map.of() : PipelineAnalysis.cpuWithMachine(sample),
                    Map.of("tracking", tick.tracking())));
        }
        return series;
    }

    // ------------------------------------------------------------------------------------------
    // Shared

    List<BenchReport.HotMethods> stopAndProfile(MailroomUnderTest mailroom) throws IOException {
        List<MailroomProcess> started = mailroom.processes();
        mailroom.close();
        List<BenchReport.HotMethods> profiles = new ArrayList<>();
        if (o.profile()) {
            for (MailroomProcess s : started) {
                profiles.add(JfrHotMethods.summarize(s.name(), FlightRecordings.file(runDir, s.name())));
            }
        }
        return profiles;
    }

    /** @param units emails tracked (or events recorded) while {@code cpuSeconds} were spent */
    static List<BenchReport.Usage> usage(
            ProcessSampler sampler,
            long from,
            long to,
            Map<String, Long> peakRss,
            Map<String, Double> cpuSeconds,
            long units) {
        return sampler.usage(from, to, peakRss).stream()
                .map(u -> new BenchReport.Usage(
                        u.name(),
                        Round.one(u.avgCpuPercent()),
                        Round.one(u.maxCpuPercent()),
                        units <= 0 ? -1 : Round.two(1000 * cpuSeconds.getOrDefault(u.name(), 0.0) / units),
                        Round.one(u.peakRssBytes() / 1048576.0),
                        mib(u.peakHeapUsedBytes()),
                        mib(u.heapFloors().firstThirdBytes()),
                        mib(u.heapFloors().lastThirdBytes()),
                        Round.two(u.gcPauseSeconds()),
                        u.gcPauses()))
                .toList();
    }

    /** Bytes as MiB with one decimal; -1 (not measured) stays -1. */
    private static double mib(long bytes) {
        return bytes < 0 ? -1 : Round.one(bytes / 1048576.0);
    }

    void machineNotes(ProcessSampler sampler, List<BenchReport.Usage> usage, long from, long to) {
        double busy = sampler.machineBusyAverage(from, to);
        double ours =
                usage.stream().mapToDouble(BenchReport.Usage::avgCpuPercent).sum();
        double cores = Runtime.getRuntime().availableProcessors() * 100.0;
        if (busy - ours > 15) {
            notes.add(String.format(
                    "Something else used about %.0f%% CPU on this machine during the load (machine busy %.0f%%, the processes"
                            + " watched here %.0f%%): figures are lower than on a quiet machine.",
                    busy - ours, busy, ours));
        }
        if (busy > 0.9 * cores) {
            notes.add(String.format(
                    "The machine's CPUs were saturated during the load (%.0f%% of %.0f%%): throughput is bound by CPU,"
                            + " see the processes table for who used it.",
                    busy, cores));
        }
        double steal = sampler.machineStealAverage(from, to);
        if (steal > 5) {
            notes.add(String.format("The hypervisor stole %.0f%% CPU during the load.", steal));
        }
    }

    BenchReport.Machine machine(ProcessSampler sampler, long from, long to) {
        return new BenchReport.Machine(
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                Round.one(busyBeforeRun),
                Round.one(sampler.machineBusyAverage(from, to)),
                Round.one(sampler.machineStealAverage(from, to)));
    }

    List<BenchReport.StartedProcess> started(MailroomUnderTest mailroom) {
        return mailroom.processes().stream()
                .map(s -> new BenchReport.StartedProcess(
                        s.name(), s.roles(), s.pid(), s.log().toString()))
                .toList();
    }

    BenchReport.Config config(MailroomUnderTest mailroom) {
        return new BenchReport.Config(
                o.setup().name(),
                o.submitVia().name(),
                // Fairness: organization A submits as fast as it can; --rate is not used.
                o.asFastAsPossible() || o.mode() == BenchOptions.Mode.FAIRNESS ? "max" : Integer.toString(o.rate()),
                (int) o.duration().toSeconds(),
                o.count(),
                (int) o.warmup().toSeconds(),
                o.operators(),
                o.dispatchers(),
                o.heap(),
                o.serverArgs(),
                o.jvmArgs(),
                mailroom.broker().describe(),
                mailroom.database().describe(),
                o.provider(),
                o.openRate(),
                o.clickRate(),
                (int) o.eventDelay().toMillis(),
                o.webhookBatch(),
                o.webhookPosters(),
                (int) o.webhookLinger().toMillis(),
                o.bodyBytes(),
                Math.max(1, mailroom.submitKeys.size()),
                o.mode() == BenchOptions.Mode.PIPELINE ? keys(mailroom) : "");
    }

    /** Confirmed submissions of the warm-up and the measured load, for the progress line. */
    private record ConfirmedInBothPhases(SubmissionLog warmup, SubmissionLog measured) {
        long sum() {
            return warmup.confirmed.sum() + measured.confirmed.sum();
        }
    }
}
