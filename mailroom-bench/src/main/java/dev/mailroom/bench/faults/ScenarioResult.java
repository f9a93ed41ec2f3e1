package dev.mailroom.bench.faults;

import java.util.ArrayList;
import java.util.List;

/** One scenario's figures, the notes worth printing beside them, and the assertions that failed. */
final class ScenarioResult {
    final int number;
    final String title;
    long sent;
    long delivered;
    long lost;
    long duplicateRows;
    long duplicateSends;
    /** The documented bound on duplicate sends this scenario is held to, or null when none applies. */
    Long duplicateSendBound;
    /** Seconds from the end of the fault (and of the submissions) until everything was terminal; NaN if it never drained. */
    double drainSeconds = Double.NaN;

    /** Webhooks to the customer's endpoint (scenario 9), or null when the scenario has none. */
    Webhooks webhooks;

    /** Events the database calls for, those that arrived, those lost, repeated deliveries and bad signatures. */
    record Webhooks(long expected, long arrived, long lost, long duplicates, long invalidSignatures) {
        @Override
        public String toString() {
            return arrived + "/" + expected + " " + lost + " " + duplicates + " " + invalidSignatures;
        }
    }

    double totalSeconds;
    final List<String> notes = new ArrayList<>();
    final List<String> failures = new ArrayList<>();

    ScenarioResult(int number, String title) {
        this.number = number;
        this.title = title;
    }

    boolean passed() {
        return failures.isEmpty();
    }

    /** Records a failed assertion unless {@code holds}. */
    void check(boolean holds, String what) {
        if (!holds) {
            failures.add(what);
        }
    }

    void note(String format, Object... args) {
        notes.add(String.format(format, args));
    }
}
