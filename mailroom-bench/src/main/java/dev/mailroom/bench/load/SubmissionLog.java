package dev.mailroom.bench.load;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * When the benchmark handed each email over (wall clock, microseconds), and when Mailroom
 * confirmed having it. Latencies are measured from the hand-over as the submitter saw it, so
 * that the REST API's own hop counts too.
 */
final class SubmissionLog {
    /** {submittedMicros, confirmedMicros} per message id. */
    private final Map<UUID, long[]> times = new ConcurrentHashMap<>();

    final LongAdder started = new LongAdder();
    final LongAdder confirmed = new LongAdder();
    final LongAdder failed = new LongAdder();
    volatile String lastFailure;

    void record(UUID id, long submittedMicros, long confirmedMicros) {
        times.put(id, new long[] {submittedMicros, confirmedMicros});
        confirmed.increment();
    }

    /** Everything another log recorded, added to this one (its failures counted, not their messages). */
    void addAll(SubmissionLog other) {
        other.times.forEach((id, t) -> record(id, t[0], t[1]));
        started.add(other.started.sum());
        failed.add(other.failed.sum());
    }

    void fail(Throwable error) {
        failed.increment();
        lastFailure = String.valueOf(error.getCause() != null ? error.getCause() : error);
    }

    /** {submittedMicros, confirmedMicros}, or null for a message this run did not submit. */
    long[] timesOf(UUID id) {
        return times.get(id);
    }

    java.util.Set<UUID> ids() {
        return times.keySet();
    }

    int size() {
        return times.size();
    }

    long inFlight() {
        return started.sum() - confirmed.sum() - failed.sum();
    }
}
