package dev.mailroom.bench.load;

import dev.mailroom.bench.report.BenchReport;
import java.util.Arrays;

/** Nearest-rank percentiles of latencies given in microseconds, reported in milliseconds. */
public final class Percentiles {
    private Percentiles() {}

    public static BenchReport.Latency of(String step, long[] micros) {
        if (micros.length == 0) {
            return new BenchReport.Latency(step, 0, -1, -1, -1, -1);
        }
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return new BenchReport.Latency(
                step,
                sorted.length,
                ms(at(sorted, 50)),
                ms(at(sorted, 95)),
                ms(at(sorted, 99)),
                ms(sorted[sorted.length - 1]));
    }

    static long at(long[] sorted, double percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double ms(long micros) {
        return Math.round(micros / 100.0) / 10.0;
    }
}
