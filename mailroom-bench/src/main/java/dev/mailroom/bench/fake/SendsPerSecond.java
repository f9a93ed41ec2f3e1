package dev.mailroom.bench.fake;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many sends the fake provider received in each wall-clock second (UTC epoch seconds), as a
 * provider counting against a per-second quota would: every request counts, answered or refused.
 */
public final class SendsPerSecond {
    private final Map<Long, LongAdder> counts = new ConcurrentHashMap<>();

    /** One send received at this wall-clock time. */
    public void count(long epochMillis) {
        counts.computeIfAbsent(Math.floorDiv(epochMillis, 1000L), s -> new LongAdder())
                .increment();
    }

    /**
     * Every second from {@code fromSecond} to {@code toSecond} (epoch seconds, both included), with
     * 0 for a second in which nothing arrived: a quiet second is a second too.
     */
    public long[] between(long fromSecond, long toSecond) {
        if (toSecond < fromSecond) {
            return new long[0];
        }
        long[] perSecond = new long[Math.toIntExact(toSecond - fromSecond + 1)];
        for (Map.Entry<Long, LongAdder> e : counts.entrySet()) {
            long s = e.getKey();
            if (s >= fromSecond && s <= toSecond) {
                perSecond[(int) (s - fromSecond)] = e.getValue().sum();
            }
        }
        return perSecond;
    }

    /** The seconds in which anything arrived, in order, with their counts. */
    public Map<Long, Long> snapshot() {
        Map<Long, Long> copy = new TreeMap<>();
        counts.forEach((s, n) -> copy.put(s, n.sum()));
        return copy;
    }
}
