package dev.mailroom.bench.load;

import dev.mailroom.bench.fake.FakeSendGrid;
import dev.mailroom.bench.report.BenchReport;
import dev.mailroom.bench.submit.Submitter;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code --mode quota} (issue 12): every Mailroom process gets
 * {@code mailroom.dispatcher.rate-limits.sendgrid=--quota}; {@code --count} emails are submitted at
 * {@code --rate} (above the limit), and the fake provider counts the sends it receives in each
 * wall-clock second. Every second from the load's first to the end of the drain counts, quiet or
 * not: the provider's quota does not average.
 */
final class QuotaRun {
    /** The verdict's tolerance over the limit (issue 12: ± 10%). */
    static final double TOLERANCE = 1.10;

    private final BenchRun run;
    private final BenchOptions o;
    private final PrintStream out;

    QuotaRun(BenchRun run) {
        this.run = run;
        this.o = run.o;
        this.out = run.out;
    }

    BenchReport run(MailroomUnderTest mailroom) throws Exception {
        FakeSendGrid fake = mailroom.fake;
        if (fake == null) {
            throw new IllegalStateException("--mode quota counts the sends of the benchmark's fake provider");
        }
        out.printf(
                "  provider limit %d sends/s (mailroom.dispatcher.rate-limits.sendgrid) on each of %d dispatcher(s)%n",
                o.quota(), o.setup() == BenchOptions.Setup.SPLIT ? o.dispatchers() : 1);
        List<ProcessSampler.Watched> watched = run.watched(mailroom);
        SubmissionLog warmupLog = new SubmissionLog();
        SubmissionLog log = new SubmissionLog();
        try (QueueDepths queues = new QueueDepths(mailroom.broker());
                ProcessSampler sampler = new ProcessSampler(
                        watched,
                        mailroom.broker().rabbitMq(),
                        mailroom.database().postgres());
                ProgressMonitor progress = new ProgressMonitor(
                        out,
                        "submitted",
                        () -> warmupLog.confirmed.sum() + log.confirmed.sum(),
                        fake,
                        queues,
                        sampler);
                Submitter submitter = run.submitter(mailroom)) {
            sampler.start();
            progress.start("warm-up");
            if (!o.warmup().isZero()) {
                BenchEmails warm = new BenchEmails(run.runId, "warmup", o.bodyBytes(), false);
                long warmCount = o.asFastAsPossible()
                        ? Long.MAX_VALUE
                        : (long) o.rate() * o.warmup().toSeconds();
                new LoadGenerator(submitter, warm, warmupLog)
                        .run(o.rate(), warmCount, o.warmup(), o.maxBacklog(), queues::total);
                progress.phase("settle");
                run.awaitTracked(mailroom, queues, warm.from(), warmupLog, o.drainTimeout());
                run.notes.add("The warm-up's sends are not counted: the seconds counted start with the measured load.");
            }
            BenchEmails emails = new BenchEmails(run.runId, "quota", o.bodyBytes(), false);
            progress.phase("load");
            LoadGenerator.Outcome load = new LoadGenerator(submitter, emails, log)
                    .run(o.rate(), o.count(), o.duration(), o.maxBacklog(), queues::total);
            progress.phase("drain");
            boolean drained = run.awaitTracked(mailroom, queues, emails.from(), log, o.drainTimeout());
            if (!drained) {
                run.notes.add("Not every email was fully tracked within the drain timeout of "
                        + o.drainTimeout().toSeconds() + " s.");
            }
            long end = Clocks.nowMicros();
            Map<String, Long> peakRss = sampler.peakRss();
            progress.close();
            sampler.close();

            long firstSecond = Math.floorDiv(load.startMicros(), 1_000_000L);
            long lastSecond = Math.floorDiv(end, 1_000_000L);
            long[] perSecond = fake.stats().sendsReceivedPerSecond.between(firstSecond, lastSecond);
            double allowed = o.quota() * TOLERANCE;
            TrafficAnalysis.SecondCounts counts = TrafficAnalysis.secondCounts(perSecond, allowed);

            out.printf("Ledger check (DESIGN §2) over %,d confirmed emails...%n", warmupLog.size() + log.size());
            BenchReport.Ledger ledger =
                    BenchLedger.check(mailroom.database(), warmupLog, log, BenchLedger.sendsPerMessage(fake), drained);
            long failed = ledger.statusCounts().getOrDefault("FAILED", 0L);
            BenchReport.Quota quota = new BenchReport.Quota(
                    o.quota(),
                    o.setup() == BenchOptions.Setup.SPLIT ? o.dispatchers() : 1,
                    Round.one(allowed),
                    log.confirmed.sum(),
                    Round.one(log.confirmed.sum() / Math.max(1e-3, load.seconds())),
                    Arrays.stream(perSecond).sum(),
                    counts.max(),
                    counts.busiest() < 0
                            ? ""
                            : Instant.ofEpochSecond(firstSecond + counts.busiest())
                                    .toString(),
                    perSecond.length,
                    counts.over(),
                    Round.one(counts.meanWhileSending()),
                    failed,
                    drained,
                    Arrays.stream(perSecond).boxed().toList());
            out.printf(
                    "  sends received: %,d over %d s; most in one second %d (limit %d, allowed %.1f); %d seconds over;"
                            + " mean while sending %.1f/s; FAILED %d, lost %d%n",
                    quota.sendsReceived(),
                    quota.secondsCounted(),
                    quota.maxSendsInASecond(),
                    o.quota(),
                    allowed,
                    quota.secondsOverAllowed(),
                    quota.meanSendsPerSecondWhileSending(),
                    failed,
                    ledger.lost());

            List<BenchReport.Usage> usage = BenchRun.usage(
                    sampler, load.startMicros(), end, peakRss, sampler.cpuSeconds(load.startMicros(), end), log.size());
            run.machineNotes(sampler, usage, load.startMicros(), end);
            BenchReport.Machine machine = run.machine(sampler, load.startMicros(), end);
            List<BenchReport.Second> series = series(firstSecond, perSecond, log, progress.ticks(), sampler.samples());
            List<BenchReport.HotMethods> profiles = run.stopAndProfile(mailroom);
            List<BenchReport.Target> targets = new ArrayList<>(TrafficVerdicts.quota(o, quota));
            targets.add(Verdicts.ledger(ledger));
            targets.add(TrafficVerdicts.noneFailed(quota, ledger));
            return new BenchReport(
                    run.runId,
                    run.startedAt.toString(),
                    o.label(),
                    "quota",
                    run.config(mailroom),
                    machine,
                    run.started(mailroom),
                    null,
                    null,
                    null,
                    ledger,
                    usage,
                    null,
                    null,
                    targets,
                    profiles,
                    series,
                    List.copyOf(run.notes),
                    null,
                    quota);
        }
    }

    /** Per counted second: emails submitted, sends the fake received (as "dispatched"), CPU and queue depths. */
    private static List<BenchReport.Second> series(
            long firstSecond,
            long[] sends,
            SubmissionLog log,
            List<PipelineAnalysis.Tick> ticks,
            List<ProcessSampler.Sample> samples) {
        long[] submitted = new long[sends.length];
        for (var id : log.ids()) {
            long s = Math.floorDiv(log.timesOf(id)[0], 1_000_000L) - firstSecond;
            if (s >= 0 && s < submitted.length) {
                submitted[(int) s]++;
            }
        }
        List<BenchReport.Second> series = new ArrayList<>();
        for (int i = 0; i < sends.length; i++) {
            final long epochSecond = firstSecond + i;
            PipelineAnalysis.Tick tick = ticks.stream()
                    .filter(t -> Math.floorDiv(t.atMicros(), 1_000_000L) == epochSecond)
                    .reduce((x, y) -> y)
                    .orElse(null);
            ProcessSampler.Sample sample = samples.stream()
                    .filter(x -> Math.floorDiv(x.atMicros(), 1_000_000L) == epochSecond)
                    .reduce((x, y) -> y)
                    .orElse(null);
            series.add(new BenchReport.Second(
                    i,
                    submitted[i],
                    sends[i],
                    -1,
                    0,
                    -1,
                    -1,
                    -1,
                    -1,
                    sample == null ? Map.of() : PipelineAnalysis.cpuWithMachine(sample),
                    tick == null
                            ? Map.of()
                            : Map.of(
                                    "mailbox", tick.mailbox(),
                                    "dispatching", tick.dispatching(),
                                    "tracking", tick.tracking())));
        }
        return series;
    }
}
