package dev.mailroom.bench.load;

import dev.mailroom.bench.report.BenchReport;
import java.util.List;
import java.util.Locale;

/** Issue 12's targets for --mode fairness and --mode quota (the ledger's row is {@link Verdicts#ledger}). */
final class TrafficVerdicts {
    static final String FAIR_LATENCY = "B's p99 submit -> DISPATCHED < 1 s while A has its emails waiting";
    static final String FAIR_THROUGHPUT = "A's throughput with B >= 90% of A alone's";
    static final String QUOTA =
            "the provider never receives more than its limit in a second (± 10%), all dispatchers together";
    static final String NONE_FAILED = "nothing FAILED because of the limit";

    /** B's p99 must stay under this, in milliseconds. */
    static final double B_P99_MILLIS = 1_000;

    static final double A_THROUGHPUT_SHARE = 0.90;

    private TrafficVerdicts() {}

    static List<BenchReport.Target> fairness(BenchOptions o, BenchReport.Fairness f) {
        boolean external = !o.onEmbeddedInfrastructure();
        BenchReport.Latency b = f.bLatency();
        String latency = String.format(
                Locale.ROOT,
                "B (%d/s over REST, a request per email): %,d of %,d confirmed dispatched; p50 %.1f, p95 %.1f, p99 %.1f, max %.1f ms"
                        + " (recorded by the operator: p99 %.1f ms); A %,d emails through the mailbox",
                f.bRatePerSecond(),
                f.bDispatched(),
                f.bConfirmed(),
                b.p50(),
                b.p95(),
                b.p99(),
                b.max(),
                f.bLatencyRecorded().p99(),
                f.withB().aConfirmed());
        String latencyVerdict;
        if (f.bDispatched() == 0) {
            latencyVerdict = "not tested (no email of B was dispatched)";
        } else if (f.bDispatched() < f.bConfirmed()) {
            latencyVerdict = "not met (" + (f.bConfirmed() - f.bDispatched()) + " of B's emails never dispatched)";
        } else {
            latencyVerdict = b.p99() < B_P99_MILLIS ? "met" : "not met";
        }
        String throughput = String.format(
                Locale.ROOT,
                "A: %,.1f emails/s dispatched with B, %,.1f alone (%s)",
                f.withB().aDispatchedPerSecond(),
                f.alone().aDispatchedPerSecond(),
                f.aThroughputRatio() < 0 ? "no ratio" : Math.round(100 * f.aThroughputRatio()) + "%");
        String throughputVerdict;
        if (!f.withB().aAllDispatched() || !f.alone().aAllDispatched()) {
            throughputVerdict = "not met (A's emails were not all dispatched within the drain timeout)";
        } else if (f.aThroughputRatio() < 0) {
            throughputVerdict = "not tested (A alone dispatched nothing)";
        } else {
            throughputVerdict = f.aThroughputRatio() >= A_THROUGHPUT_SHARE ? "met" : "not met";
        }
        if (!external) {
            latencyVerdict = "not tested (needs RabbitMQ + PostgreSQL); would be: " + latencyVerdict;
            throughputVerdict = "not tested (needs RabbitMQ + PostgreSQL); would be: " + throughputVerdict;
        }
        return List.of(
                new BenchReport.Target(FAIR_LATENCY, latency, latencyVerdict),
                new BenchReport.Target(FAIR_THROUGHPUT, throughput, throughputVerdict));
    }

    static List<BenchReport.Target> quota(BenchOptions o, BenchReport.Quota q) {
        String measured = String.format(
                Locale.ROOT,
                "most in one second: %d sends (%s); %d of %d seconds over %.1f; limit %d/s set on each of %d"
                        + " dispatcher(s); %,d sends received, %.1f/s on average while sending; %,d emails offered at"
                        + " %.1f/s",
                q.maxSendsInASecond(),
                q.busiestSecond().isEmpty() ? "no send" : q.busiestSecond(),
                q.secondsOverAllowed(),
                q.secondsCounted(),
                q.allowedPerSecond(),
                q.limitPerSecond(),
                q.dispatchers(),
                q.sendsReceived(),
                q.meanSendsPerSecondWhileSending(),
                q.submitted(),
                q.offeredPerSecond());
        String verdict;
        if (q.sendsReceived() == 0) {
            verdict = "not tested (no send received)";
        } else if (q.offeredPerSecond() <= q.allowedPerSecond()) {
            verdict = q.maxSendsInASecond() <= q.allowedPerSecond()
                    ? "not tested (offered only " + Math.round(q.offeredPerSecond()) + "/s: give a --rate above "
                            + Math.round(q.allowedPerSecond()) + ")"
                    : "not met";
        } else {
            verdict = q.maxSendsInASecond() <= q.allowedPerSecond() ? "met" : "not met";
        }
        if (verdict.equals("met") && q.dispatchers() < 2) {
            verdict = "met (one dispatcher: the limit was not shared)";
        }
        return List.of(new BenchReport.Target(QUOTA, measured, verdict));
    }

    static BenchReport.Target noneFailed(BenchReport.Quota q, BenchReport.Ledger ledger) {
        if (!ledger.checked()) {
            return new BenchReport.Target(
                    NONE_FAILED, "statuses not read", "not checked (" + ledger.notChecked() + ")");
        }
        return new BenchReport.Target(
                NONE_FAILED,
                String.format(Locale.ROOT, "%,d of %,d confirmed emails FAILED", q.failed(), ledger.submitted()),
                q.failed() == 0 ? "met" : "not met");
    }
}
