package dev.mailroom.bench.load;

import dev.mailroom.bench.report.BenchReport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToIntFunction;

/**
 * Turns the recorded timelines into the run's figures. An email is fully tracked once every
 * activity it should have is recorded: ACCEPTED, QUEUED, DISPATCHED and each event the provider
 * reported for it; it was tracked at the latest of those recordings.
 */
final class PipelineAnalysis {
    /** Pipeline activities every email gets before any provider event: ACCEPTED, QUEUED, DISPATCHED. */
    static final int PIPELINE_ACTIVITIES = 3;

    /** Per-second figures the progress loop saw live (not in the database). */
    record Tick(
            long atMicros,
            long confirmed,
            long sent,
            long eventsPosted,
            long mailbox,
            long dispatching,
            long tracking) {}

    private final List<Timelines.Timeline> timelines;
    private final SubmissionLog log;
    private final ToIntFunction<UUID> expectedEvents;
    private final long loadStart;
    private final long loadEnd;

    PipelineAnalysis(
            List<Timelines.Timeline> timelines,
            SubmissionLog log,
            ToIntFunction<UUID> expectedEvents,
            long loadStartMicros,
            long loadEndMicros) {
        this.timelines = timelines;
        this.log = log;
        this.expectedEvents = expectedEvents;
        this.loadStart = loadStartMicros;
        this.loadEnd = loadEndMicros;
    }

    private long submittedAt(Timelines.Timeline t) {
        long[] times = log.timesOf(t.id());
        return times != null ? times[0] : t.dbSubmittedMicros();
    }

    private boolean fullyTracked(Timelines.Timeline t) {
        return t.activities() >= PIPELINE_ACTIVITIES + expectedEvents.applyAsInt(t.id()) && t.deliveredRecorded() > 0;
    }

    /** @param eventsPosted,webhookCalls by the fake provider over the load and drain (-1: not known, e.g. the sandbox) */
    BenchReport.Pipeline pipeline(
            LoadGenerator.Outcome load, List<Tick> ticks, long eventsPosted, long webhookCalls, boolean fakeProvider) {
        long[] tracked = timelines.stream()
                .filter(this::fullyTracked)
                .mapToLong(Timelines.Timeline::lastRecorded)
                .sorted()
                .toArray();
        double loadSeconds = (loadEnd - loadStart) / 1e6;
        // The first seconds fill the pipeline; the sustained rate is what comes out after them.
        long settle = (long) Math.min(5e6, (loadEnd - loadStart) * 0.2);
        long windowStart = loadStart + settle;
        double windowSeconds = (loadEnd - windowStart) / 1e6;
        long inWindow = Arrays.stream(tracked)
                .filter(t -> t > windowStart && t <= loadEnd)
                .count();
        long trackedByLoadEnd = Arrays.stream(tracked).filter(t -> t <= loadEnd).count();
        long submittedCount = log.confirmed.sum();
        long backlog = submittedCount - trackedByLoadEnd;
        double drain = tracked.length == 0 ? -1 : Math.max(0, (tracked[tracked.length - 1] - loadEnd) / 1e6);
        double offered = submittedCount / Math.max(loadSeconds, 1e-9);
        double sustained = inWindow / Math.max(windowSeconds, 1e-9);
        long peak = perSecond(tracked).values().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElse(0);
        // Kept up: at the end of the load, no more than ~2 s of emails (or 1 s of latency at this rate) were still
        // untracked.
        boolean keptUp = tracked.length == submittedCount && backlog <= Math.max(2 * offered, 50);
        // The sandbox posts its own webhooks inside Mailroom: nothing the benchmark can count.
        double events = fakeProvider ? eventsPerSecond(ticks) : -1;
        return new BenchReport.Pipeline(
                submittedCount,
                log.failed.sum(),
                log.lastFailure,
                timelines.size(),
                tracked.length,
                Round.one(loadSeconds),
                Round.one(offered),
                Round.one(windowSeconds),
                Round.one(sustained),
                peak,
                backlog,
                Round.one(drain),
                keptUp,
                load.behindScheduleMaxMillis(),
                Round.one(events),
                webhookCalls,
                webhookCalls > 0 ? Round.one((double) eventsPosted / webhookCalls) : -1,
                latencies());
    }

    private double eventsPerSecond(List<Tick> ticks) {
        List<Tick> during = ticks.stream()
                .filter(t -> t.atMicros() >= loadStart && t.atMicros() <= loadEnd)
                .toList();
        if (during.size() < 2) {
            return 0;
        }
        Tick first = during.get(0);
        Tick last = during.get(during.size() - 1);
        return (last.eventsPosted() - first.eventsPosted()) / ((last.atMicros() - first.atMicros()) / 1e6);
    }

    private List<BenchReport.Latency> latencies() {
        List<long[]> steps = List.of(
                new long[timelines.size()],
                new long[timelines.size()],
                new long[timelines.size()],
                new long[timelines.size()],
                new long[timelines.size()],
                new long[timelines.size()]);
        int[] n = new int[steps.size()];
        for (Timelines.Timeline t : timelines) {
            long submitted = submittedAt(t);
            long[] times = log.timesOf(t.id());
            add(steps, n, 0, times == null ? 0 : times[1], submitted);
            add(steps, n, 1, t.acceptedRecorded(), submitted);
            add(steps, n, 2, t.dispatchedAt(), submitted);
            add(steps, n, 3, t.dispatchedRecorded(), submitted);
            add(steps, n, 4, t.deliveredRecorded(), submitted);
            add(steps, n, 5, fullyTracked(t) ? t.lastRecorded() : 0, submitted);
        }
        String[] names = {
            "submit -> confirmed by broker/API (client side)",
            "submit -> ACCEPTED recorded",
            "submit -> DISPATCHED (provider answered)",
            "submit -> DISPATCHED recorded",
            "submit -> DELIVERED recorded",
            "submit -> fully tracked"
        };
        List<BenchReport.Latency> result = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            result.add(Percentiles.of(names[i], Arrays.copyOf(steps.get(i), n[i])));
        }
        return result;
    }

    private static void add(List<long[]> steps, int[] n, int step, long at, long submitted) {
        if (at > 0) {
            steps.get(step)[n[step]++] = Math.max(0, at - submitted);
        }
    }

    /** Per second from the start of the load: what was submitted, dispatched and tracked, and latencies by submit second. */
    List<BenchReport.Second> series(List<Tick> ticks, List<ProcessSampler.Sample> samples) {
        long[] submitted = timelines.stream().mapToLong(this::submittedAt).toArray();
        long[] dispatched = timelines.stream()
                .mapToLong(Timelines.Timeline::dispatchedRecorded)
                .filter(t -> t > 0)
                .toArray();
        long[] tracked = timelines.stream()
                .filter(this::fullyTracked)
                .mapToLong(Timelines.Timeline::lastRecorded)
                .toArray();
        Map<Integer, Long> submittedPer = perSecond(submitted);
        Map<Integer, Long> dispatchedPer = perSecond(dispatched);
        Map<Integer, Long> trackedPer = perSecond(tracked);
        Map<Integer, List<Long>> dispatchLatency = new HashMap<>();
        Map<Integer, List<Long>> deliverLatency = new HashMap<>();
        for (Timelines.Timeline t : timelines) {
            long s = submittedAt(t);
            int second = second(s);
            if (t.dispatchedRecorded() > 0) {
                dispatchLatency.computeIfAbsent(second, k -> new ArrayList<>()).add(t.dispatchedRecorded() - s);
            }
            if (t.deliveredRecorded() > 0) {
                deliverLatency.computeIfAbsent(second, k -> new ArrayList<>()).add(t.deliveredRecorded() - s);
            }
        }
        int last = Math.max(second(Arrays.stream(tracked).max().orElse(loadEnd)), second(loadEnd));
        List<BenchReport.Second> series = new ArrayList<>();
        long previousEvents = -1;
        for (int sec = 0; sec <= last; sec++) {
            final int s = sec;
            Tick tick = ticks.stream()
                    .filter(t -> second(t.atMicros()) == s)
                    .reduce((a, b) -> b)
                    .orElse(null);
            long events = 0;
            if (tick != null) {
                events = previousEvents < 0 ? 0 : tick.eventsPosted() - previousEvents;
                previousEvents = tick.eventsPosted();
            }
            ProcessSampler.Sample sample = samples.stream()
                    .filter(x -> second(x.atMicros()) == s)
                    .reduce((a, b) -> b)
                    .orElse(null);
            Map<String, Long> queued = tick == null
                    ? Map.of()
                    : Map.of("mailbox", tick.mailbox(), "dispatching", tick.dispatching(), "tracking", tick.tracking());
            series.add(new BenchReport.Second(
                    sec,
                    submittedPer.getOrDefault(sec, 0L),
                    dispatchedPer.getOrDefault(sec, 0L),
                    trackedPer.getOrDefault(sec, 0L),
                    events,
                    percentileMs(dispatchLatency.get(sec), 50),
                    percentileMs(dispatchLatency.get(sec), 99),
                    percentileMs(deliverLatency.get(sec), 50),
                    percentileMs(deliverLatency.get(sec), 99),
                    sample == null ? Map.of() : cpuWithMachine(sample),
                    queued));
        }
        return series;
    }

    private int second(long micros) {
        return (int) Math.floorDiv(micros - loadStart, 1_000_000L);
    }

    private Map<Integer, Long> perSecond(long[] times) {
        Map<Integer, Long> counts = new HashMap<>();
        for (long t : times) {
            counts.merge(second(t), 1L, Long::sum);
        }
        return counts;
    }

    private static double percentileMs(List<Long> values, double p) {
        if (values == null || values.isEmpty()) {
            return -1;
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return Percentiles.ms(Percentiles.at(sorted, p));
    }

    /** Each process's CPU and, last, the whole machine's: the gap between them is everyone else on it. */
    static Map<String, Double> cpuWithMachine(ProcessSampler.Sample sample) {
        Map<String, Double> rounded = new java.util.LinkedHashMap<>();
        sample.cpuPercent().forEach((k, v) -> rounded.put(k, Round.one(v)));
        rounded.put(MACHINE, Round.one(sample.machineBusyPercent()));
        return rounded;
    }

    static final String MACHINE = "machine (all)";
}
