package dev.mailroom.bench.load;

import dev.mailroom.bench.fake.FakeSendGrid;
import dev.mailroom.bench.report.BenchReport;
import dev.mailroom.bench.submit.AmqpSubmitter;
import dev.mailroom.bench.submit.RestSubmitter;
import dev.mailroom.bench.submit.Submitter;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code --mode fairness} (issue 12): organization A submits {@code --count} emails through the
 * mailbox as fast as it can (only the unconfirmed publishes in flight are bounded, so A's backlog
 * waits inside Mailroom, not in the benchmark) while organization B submits {@code --fair-rate}
 * emails a second through REST, each in a request of its own sent when due, from A's first submit until A's last email
 * is dispatched. Then, once everything is tracked, the same run with A alone. B's latency is from
 * the moment the benchmark sent its request to Mailroom's DISPATCHED activity; A's throughput is its
 * emails dispatched per second from its first submit to its last DISPATCHED.
 */
final class FairnessRun {
    /** Unconfirmed publishes of A at once: enough to hide the confirm round trip (as the pipeline mode). */
    static final int A_IN_FLIGHT = 2_000;

    private final BenchRun run;
    private final BenchOptions o;
    private final PrintStream out;

    FairnessRun(BenchRun run) {
        this.run = run;
        this.o = run.o;
        this.out = run.out;
    }

    /** One of the two runs: what A and (in the first) B submitted, and when A's submitting started and ended. */
    private record Phase(
            String name,
            BenchEmails aEmails,
            SubmissionLog aLog,
            LoadGenerator.Outcome aLoad,
            boolean aAllDispatched,
            BenchEmails bEmails,
            SubmissionLog bLog,
            long bBehindMaxMillis,
            long endMicros) {}

    BenchReport run(MailroomUnderTest mailroom) throws Exception {
        FakeSendGrid fake = mailroom.fake;
        if (mailroom.submitKeys.size() != 2 || fake == null) {
            throw new IllegalStateException(
                    "--mode fairness needs the two organizations the benchmark creates and its fake provider");
        }
        String keyA = mailroom.submitKeys.get(0);
        String keyB = mailroom.submitKeys.get(1);
        out.println("  organization A = " + BenchOrganizations.organizationId(1) + " (mailbox, as fast as it can), B = "
                + BenchOrganizations.organizationId(2) + " (REST, " + o.fairRate()
                + "/s, a request per email, on schedule)");
        List<ProcessSampler.Watched> watched = run.watched(mailroom);
        SubmissionLog warmupLog = new SubmissionLog();
        // Read by the progress thread while the runs add theirs.
        List<SubmissionLog> logs = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(warmupLog));
        try (QueueDepths queues = new QueueDepths(mailroom.broker());
                ProcessSampler sampler = new ProcessSampler(
                        watched,
                        mailroom.broker().rabbitMq(),
                        mailroom.database().postgres());
                ProgressMonitor progress = new ProgressMonitor(
                        out,
                        "submitted",
                        () -> logs.stream().mapToLong(l -> l.confirmed.sum()).sum(),
                        fake,
                        queues,
                        sampler);
                Submitter a = new AmqpSubmitter(mailroom.broker(), List.of(keyA), A_IN_FLIGHT, o.clientBulkAbove());
                Submitter b = new RestSubmitter(mailroom.apiUrl, List.of(keyB), OnSchedule.MAX_IN_FLIGHT)) {
            sampler.start();
            progress.start("warm-up");
            if (!o.warmup().isZero()) {
                // A capped by the backlog like the pipeline mode's warm-up, and B on its schedule: for the JITs
                // (B's REST path in the API process too, else it is compiled during the first measured run only),
                // not for measuring.
                BenchEmails warm = new BenchEmails(run.runId, "warmup", o.bodyBytes(), false);
                OnSchedule warmB = new OnSchedule(
                        b, new BenchEmails(run.runId, "warmup", o.bodyBytes(), false), warmupLog, o.fairRate());
                warmB.start();
                new LoadGenerator(a, warm, warmupLog)
                        .run(BenchOptions.MAX_RATE, Long.MAX_VALUE, o.warmup(), o.maxBacklog(), queues::total);
                warmB.stop();
                progress.phase("settle");
                if (!run.awaitTracked(mailroom, queues, warm.from(), warmupLog, Duration.ofSeconds(120))) {
                    run.notes.add("The warm-up's emails were not all tracked within 120 s; the runs started anyway.");
                }
            }
            progress.phase("A + B");
            Phase withB = phase("with B", "fair-a", "fair-b", a, b, fake, logs);
            progress.phase("settle");
            boolean drained = settle(mailroom, queues, withB);
            progress.phase("A alone");
            Phase alone = phase("A alone", "alone-a", null, a, null, fake, logs);
            progress.phase("settle");
            drained &= settle(mailroom, queues, alone);
            long end = Clocks.nowMicros();
            Map<String, Long> peakRss = sampler.peakRss();
            progress.close();
            sampler.close();

            SubmissionLog measured = new SubmissionLog();
            measured.addAll(withB.aLog());
            measured.addAll(withB.bLog());
            measured.addAll(alone.aLog());
            out.printf("Ledger check (DESIGN §2) over %,d confirmed emails...%n", warmupLog.size() + measured.size());
            BenchReport.Ledger ledger = BenchLedger.check(
                    mailroom.database(), warmupLog, measured, BenchLedger.sendsPerMessage(fake), drained);
            out.println("  lost " + ledger.lost() + ", present " + ledger.present() + " of " + ledger.submitted());
            out.println("Reading the recorded timelines...");
            List<Timelines.Timeline> aWithB = Timelines.read(
                    mailroom.database(), mailroom.runEmails(withB.aEmails().from()));
            List<Timelines.Timeline> bTimelines = Timelines.read(
                    mailroom.database(), mailroom.runEmails(withB.bEmails().from()));
            List<Timelines.Timeline> aAlone = Timelines.read(
                    mailroom.database(), mailroom.runEmails(alone.aEmails().from()));

            BenchReport.FairnessRun runWithB = aFigures(withB, aWithB);
            BenchReport.FairnessRun runAlone = aFigures(alone, aAlone);
            long[] bDispatchedMicros = latencies(bTimelines, withB.bLog(), Timelines.Timeline::dispatchedAt);
            long[] bRecorded = latencies(bTimelines, withB.bLog(), Timelines.Timeline::dispatchedRecorded);
            double ratio = runAlone.aDispatchedPerSecond() > 0
                    ? Round.two(runWithB.aDispatchedPerSecond() / runAlone.aDispatchedPerSecond())
                    : -1;
            BenchReport.Fairness fairness = new BenchReport.Fairness(
                    BenchOrganizations.organizationId(1),
                    BenchOrganizations.organizationId(2),
                    o.fairRate(),
                    runWithB,
                    runAlone,
                    withB.bLog().confirmed.sum(),
                    bDispatchedMicros.length,
                    withB.bLog().failed.sum(),
                    withB.bLog().lastFailure,
                    withB.bBehindMaxMillis(),
                    Percentiles.of("B: submit -> API answered 202 (client side)", answeredByApi(withB.bLog())),
                    Percentiles.of("B: submit -> DISPATCHED (provider answered)", bDispatchedMicros),
                    Percentiles.of("B: submit -> DISPATCHED recorded", bRecorded),
                    TrafficAnalysis.distribution(bDispatchedMicros),
                    ratio);
            out.printf(
                    "  B: %,d emails, submit -> DISPATCHED p50 %.1f ms, p99 %.1f ms, max %.1f ms; A: %.1f/s with B,"
                            + " %.1f/s alone%n",
                    bDispatchedMicros.length,
                    fairness.bLatency().p50(),
                    fairness.bLatency().p99(),
                    fairness.bLatency().max(),
                    runWithB.aDispatchedPerSecond(),
                    runAlone.aDispatchedPerSecond());

            long from = withB.aLoad().startMicros();
            List<BenchReport.Usage> usage =
                    BenchRun.usage(sampler, from, end, peakRss, sampler.cpuSeconds(from, end), measured.size());
            run.machineNotes(sampler, usage, from, end);
            BenchReport.Machine machine = run.machine(sampler, from, end);
            List<BenchReport.Second> series = series(withB, aWithB, bTimelines, progress.ticks(), sampler.samples());
            List<BenchReport.HotMethods> profiles = run.stopAndProfile(mailroom);
            List<BenchReport.Target> targets = new ArrayList<>(TrafficVerdicts.fairness(o, fairness));
            targets.add(Verdicts.ledger(ledger));
            return new BenchReport(
                    run.runId,
                    run.startedAt.toString(),
                    o.label(),
                    "fairness",
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
                    fairness,
                    null);
        }
    }

    /**
     * A submits its count as fast as it can while B (when given) submits on its schedule; B goes on
     * until every confirmed email of A was dispatched (the fake provider accepted it) or the drain
     * timeout passed.
     */
    private Phase phase(
            String name,
            String aPhase,
            String bPhase,
            Submitter a,
            Submitter b,
            FakeSendGrid fake,
            List<SubmissionLog> logs)
            throws InterruptedException {
        BenchEmails aEmails = new BenchEmails(run.runId, aPhase, o.bodyBytes(), false);
        SubmissionLog aLog = new SubmissionLog();
        logs.add(aLog);
        BenchEmails bEmails = bPhase == null ? null : new BenchEmails(run.runId, bPhase, o.bodyBytes(), false);
        SubmissionLog bLog = new SubmissionLog();
        logs.add(bLog);
        OnSchedule bSender = b == null ? null : new OnSchedule(b, bEmails, bLog, o.fairRate());
        if (bSender != null) {
            bSender.start();
        }
        // No backlog cap: A's emails are meant to wait in Mailroom.
        LoadGenerator.Outcome aLoad = new LoadGenerator(a, aEmails, aLog)
                .run(BenchOptions.MAX_RATE, o.count(), o.duration(), Long.MAX_VALUE, () -> 0);
        boolean allDispatched = awaitSent(fake, aLog, o.drainTimeout());
        if (!allDispatched) {
            run.notes.add(String.format(
                    "Run %s: not every email of A was dispatched within the drain timeout of %d s.",
                    name, o.drainTimeout().toSeconds()));
        }
        long behind = bSender == null ? 0 : bSender.stop();
        out.printf(
                "  %s: A %,d confirmed in %.1f s, all dispatched: %s%s%n",
                name,
                aLog.confirmed.sum(),
                aLoad.seconds(),
                allDispatched,
                bSender == null ? "" : String.format("; B %,d confirmed", bLog.confirmed.sum()));
        return new Phase(name, aEmails, aLog, aLoad, allDispatched, bEmails, bLog, behind, Clocks.nowMicros());
    }

    /** Until every email of the run is fully tracked, so that the next run starts on an idle Mailroom. */
    private boolean settle(MailroomUnderTest mailroom, QueueDepths queues, Phase p) throws Exception {
        boolean drained = run.awaitTracked(mailroom, queues, p.aEmails().from(), p.aLog(), o.drainTimeout());
        if (p.bEmails() != null) {
            drained &= run.awaitTracked(mailroom, queues, p.bEmails().from(), p.bLog(), Duration.ofSeconds(60));
        }
        if (!drained) {
            run.notes.add("Run " + p.name() + ": not every email was fully tracked within the drain timeout.");
        }
        return drained;
    }

    /** Polls the fake provider's accepted sends until each confirmed email of the log is among them. */
    private static boolean awaitSent(FakeSendGrid fake, SubmissionLog log, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> waiting = new HashSet<>();
        log.ids().forEach(id -> waiting.add(id.toString()));
        while (true) {
            waiting.removeIf(fake.stats().acceptedPerMessage::containsKey);
            if (waiting.isEmpty()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
    }

    private BenchReport.FairnessRun aFigures(Phase p, List<Timelines.Timeline> timelines) {
        long start = p.aLoad().startMicros();
        long lastDispatched = timelines.stream()
                .mapToLong(Timelines.Timeline::dispatchedAt)
                .max()
                .orElse(0);
        long dispatched = timelines.stream().filter(t -> t.dispatchedAt() > 0).count();
        return new BenchReport.FairnessRun(
                p.name(),
                p.aLog().confirmed.sum(),
                p.aLog().failed.sum(),
                Round.one(p.aLoad().seconds()),
                dispatched,
                Round.one(Math.max(0, lastDispatched - start) / 1e6),
                Round.one(TrafficAnalysis.perSecond(dispatched, start, lastDispatched)),
                p.aAllDispatched(),
                Percentiles.of(
                        "A (" + p.name() + "): submit -> DISPATCHED (provider answered)",
                        latencies(timelines, p.aLog(), Timelines.Timeline::dispatchedAt)));
    }

    /** Each confirmed email's time from the benchmark's submit to the API's answer, in microseconds. */
    private static long[] answeredByApi(SubmissionLog log) {
        return log.ids().stream()
                .map(log::timesOf)
                .mapToLong(t -> Math.max(0, t[1] - t[0]))
                .toArray();
    }

    /** Each dispatched email's time from the benchmark's submit to the step, in microseconds. */
    private static long[] latencies(
            List<Timelines.Timeline> timelines,
            SubmissionLog log,
            java.util.function.ToLongFunction<Timelines.Timeline> step) {
        return timelines.stream()
                .filter(t -> step.applyAsLong(t) > 0 && log.timesOf(t.id()) != null)
                .mapToLong(t -> Math.max(0, step.applyAsLong(t) - log.timesOf(t.id())[0]))
                .toArray();
    }

    /**
     * Per second of the run with B, from A's first submit: A's confirmed submissions and A's
     * dispatches, B's latency (p50, p99) by the second B submitted, CPU and queue depths.
     */
    private static List<BenchReport.Second> series(
            Phase p,
            List<Timelines.Timeline> a,
            List<Timelines.Timeline> b,
            List<PipelineAnalysis.Tick> ticks,
            List<ProcessSampler.Sample> samples) {
        long start = p.aLoad().startMicros();
        int last = second(start, p.endMicros());
        long[] submitted = new long[last + 1];
        long[] dispatched = new long[last + 1];
        for (Timelines.Timeline t : a) {
            long[] times = p.aLog().timesOf(t.id());
            add(submitted, second(start, times == null ? 0 : times[0]));
            add(dispatched, second(start, t.dispatchedAt()));
        }
        Map<Integer, List<Long>> bLatency = new HashMap<>();
        for (Timelines.Timeline t : b) {
            long[] times = p.bLog().timesOf(t.id());
            if (times != null && t.dispatchedAt() > 0) {
                bLatency.computeIfAbsent(second(start, times[0]), k -> new ArrayList<>())
                        .add(t.dispatchedAt() - times[0]);
            }
        }
        List<BenchReport.Second> series = new ArrayList<>();
        for (int s = 0; s <= last; s++) {
            final int sec = s;
            long[] lat = bLatency.getOrDefault(s, List.of()).stream()
                    .mapToLong(Long::longValue)
                    .sorted()
                    .toArray();
            PipelineAnalysis.Tick tick = ticks.stream()
                    .filter(t -> second(start, t.atMicros()) == sec)
                    .reduce((x, y) -> y)
                    .orElse(null);
            ProcessSampler.Sample sample = samples.stream()
                    .filter(x -> second(start, x.atMicros()) == sec)
                    .reduce((x, y) -> y)
                    .orElse(null);
            series.add(new BenchReport.Second(
                    s,
                    submitted[s],
                    dispatched[s],
                    -1,
                    0,
                    lat.length == 0 ? -1 : Percentiles.ms(Percentiles.at(lat, 50)),
                    lat.length == 0 ? -1 : Percentiles.ms(Percentiles.at(lat, 99)),
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

    private static int second(long startMicros, long atMicros) {
        return atMicros <= 0 ? -1 : (int) Math.floorDiv(atMicros - startMicros, 1_000_000L);
    }

    private static void add(long[] perSecond, int second) {
        if (second >= 0 && second < perSecond.length) {
            perSecond[second]++;
        }
    }

    /**
     * Organization B: one email per request, each sent when it is due (the n-th at start + n/rate)
     * whatever became of the ones before, so that a slow answer does not lower B's rate. Requests in
     * flight are bounded ({@link #MAX_IN_FLIGHT}); a request that cannot start on time for that
     * shows as "behind schedule".
     */
    private static final class OnSchedule {
        static final int MAX_IN_FLIGHT = 64;

        private final Submitter submitter;
        private final BenchEmails emails;
        private final SubmissionLog log;
        private final int rate;
        private final Thread thread;
        private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        private volatile boolean running = true;
        private volatile long behindMaxMillis;

        OnSchedule(Submitter submitter, BenchEmails emails, SubmissionLog log, int rate) {
            this.submitter = submitter;
            this.emails = emails;
            this.log = log;
            this.rate = rate;
            this.thread = new Thread(this::loop, "organization-b");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            long startNanos = System.nanoTime();
            try {
                for (long n = 0; running; n++) {
                    long due = startNanos + (long) (n * 1e9 / rate);
                    long now;
                    while (running && (now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(Math.min(due - now, 50_000_000L));
                    }
                    while (running && !inFlight.tryAcquire(50, TimeUnit.MILLISECONDS)) {
                        // All permits out: Mailroom answers slower than B submits; wait, and count it as behind.
                    }
                    if (!running) {
                        return;
                    }
                    behindMaxMillis = Math.max(behindMaxMillis, (System.nanoTime() - due) / 1_000_000);
                    long submittedMicros = Clocks.nowMicros();
                    log.started.increment();
                    try {
                        submitter.submit(emails.nth(n)).whenComplete((id, error) -> {
                            inFlight.release();
                            if (error != null) {
                                log.fail(error);
                            } else {
                                log.record(id, submittedMicros, Clocks.nowMicros());
                            }
                        });
                    } catch (RuntimeException e) {
                        inFlight.release();
                        log.fail(e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Stops sending and waits (bounded) for the answers in flight; returns how late a request started, at most. */
        long stop() throws InterruptedException {
            running = false;
            thread.join(Duration.ofSeconds(5).toMillis());
            inFlight.tryAcquire(MAX_IN_FLIGHT, 35, TimeUnit.SECONDS);
            return behindMaxMillis;
        }
    }
}
