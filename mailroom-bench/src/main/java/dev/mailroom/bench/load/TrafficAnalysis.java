package dev.mailroom.bench.load;

import dev.mailroom.bench.report.BenchReport;
import java.util.ArrayList;
import java.util.List;

/** The arithmetic of --mode fairness and --mode quota, apart from the runs, so that it is tested alone. */
final class TrafficAnalysis {
    /** Upper bounds of the latency ranges the fairness report counts B's emails in (microseconds); the last is open. */
    static final long[] BUCKET_BOUNDS_MICROS = {
        100_000, 250_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 30_000_000
    };

    private TrafficAnalysis() {}

    /** Latencies counted by range: "< 100 ms", "100 ms - 250 ms", ... "≥ 30 s"; every range listed, empty or not. */
    static List<BenchReport.Bucket> distribution(long[] micros) {
        long[] counts = new long[BUCKET_BOUNDS_MICROS.length + 1];
        for (long m : micros) {
            int i = 0;
            while (i < BUCKET_BOUNDS_MICROS.length && m >= BUCKET_BOUNDS_MICROS[i]) {
                i++;
            }
            counts[i]++;
        }
        List<BenchReport.Bucket> buckets = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            String range;
            if (i == 0) {
                range = "< " + label(BUCKET_BOUNDS_MICROS[0]);
            } else if (i == BUCKET_BOUNDS_MICROS.length) {
                range = ">= " + label(BUCKET_BOUNDS_MICROS[i - 1]);
            } else {
                range = label(BUCKET_BOUNDS_MICROS[i - 1]) + " - " + label(BUCKET_BOUNDS_MICROS[i]);
            }
            buckets.add(new BenchReport.Bucket(range, counts[i]));
        }
        return buckets;
    }

    private static String label(long micros) {
        return micros < 1_000_000 ? micros / 1_000 + " ms" : micros / 1_000_000 + " s";
    }

    /** Events per second between two wall-clock times in microseconds; 0 for an empty or reversed span. */
    static double perSecond(long count, long fromMicros, long toMicros) {
        return toMicros <= fromMicros ? 0 : count / ((toMicros - fromMicros) / 1e6);
    }

    /** What the quota verdict reads from the sends counted in each second. */
    record SecondCounts(long max, int busiest, long over, double meanWhileSending) {}

    /**
     * @param perSecond sends in each consecutive second, quiet seconds included
     * @param allowed   the most sends a second may have; above it a second is counted as over
     * @return the most sends in one second and its index (the first such second, -1 when none), the seconds over
     *     {@code allowed}, and the mean from the first second with a send to the last (quiet seconds before and after
     *     the sending do not dilute it)
     */
    static SecondCounts secondCounts(long[] perSecond, double allowed) {
        long max = 0;
        int busiest = -1;
        long over = 0;
        int first = -1;
        int last = -1;
        long total = 0;
        for (int i = 0; i < perSecond.length; i++) {
            long n = perSecond[i];
            if (n > max) {
                max = n;
                busiest = i;
            }
            if (n > allowed) {
                over++;
            }
            if (n > 0) {
                first = first < 0 ? i : first;
                last = i;
                total += n;
            }
        }
        double mean = first < 0 ? 0 : (double) total / (last - first + 1);
        return new SecondCounts(max, busiest, over, mean);
    }
}
