package dev.mailroom.bench.load;

import dev.mailroom.bench.report.BenchReport;
import dev.mailroom.bench.sink.WebhookSink;
import java.time.Instant;
import java.util.Arrays;

/** The figures of --webhook-endpoint, from what the sink received. */
final class WebhookFigures {
    private WebhookFigures() {}

    /**
     * @param sink            told {@link WebhookSink#measureFrom()} when the measured load began
     * @param loadStart       when the measured load began
     * @param loadEnd         when it ended
     * @param settledSeconds  how long after the drain the last event came, -1 if the sink never went quiet
     */
    static BenchReport.Webhooks of(
            WebhookSink sink, int endpoints, Instant loadStart, Instant loadEnd, double settledSeconds) {
        WebhookSink.Stats stats = sink.stats();
        Instant last = sink.lastArrival() == null ? loadStart : sink.lastArrival();
        double overallSeconds = Math.max(1e-3, (last.toEpochMilli() - loadStart.toEpochMilli()) / 1000.0);
        long[] lagMicros = Arrays.stream(sink.lagMillis())
                .map(ms -> 1000 * Math.max(0, ms))
                .toArray();
        return new BenchReport.Webhooks(
                endpoints,
                stats.events(),
                stats.requests(),
                stats.duplicates(),
                Round.one(sink.measuredEvents() / overallSeconds),
                Round.one(steadyPerSecond(sink, loadStart, loadEnd)),
                Percentiles.of("webhook occurredAt -> received", lagMicros),
                stats.verified(),
                stats.invalidSignatures(),
                settledSeconds);
    }

    /**
     * Mean first arrivals per second over the load's whole seconds, its first tenth left out (the notifier catching
     * up from idle); quiet seconds count as 0.
     */
    static double steadyPerSecond(WebhookSink sink, Instant loadStart, Instant loadEnd) {
        long from = loadStart.getEpochSecond() + 1;
        long to = loadEnd.getEpochSecond() - 1;
        from += Math.max(0, (to - from + 1) / 10);
        long[] perSecond = sink.perSecond().between(from, to);
        return perSecond.length == 0 ? 0 : Arrays.stream(perSecond).average().orElse(0);
    }
}
