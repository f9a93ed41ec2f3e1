package dev.mailroom.bench.load;

import dev.mailroom.bench.cluster.Database;
import dev.mailroom.bench.cluster.LedgerQueries;
import dev.mailroom.bench.cluster.LedgerReport;
import dev.mailroom.bench.fake.FakeSendGrid;
import dev.mailroom.bench.report.BenchReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The fault suite's ledger check (DESIGN §2) on a benchmark run: after the drain, over every email
 * whose submission the broker (or the API) confirmed, in the warm-up and in the measured load,
 * the rows Mailroom stored and the fake provider's count of accepted sends. The same
 * {@link LedgerQueries#check} the fault suite's scenarios end with.
 */
final class BenchLedger {
    /** Problems listed in the report, at most (the rest are counted). */
    static final int PROBLEMS_SHOWN = 8;

    static final String EMAILS = "every confirmed email of the warm-up and of the measured load";

    private BenchLedger() {}

    /**
     * The ids checked: the confirmed submissions of both phases. A submission that failed or was
     * never confirmed is not in a log (only a confirmed one is recorded), as in the fault suite:
     * what became of it is not the ledger's concern.
     */
    static Set<UUID> idsToCheck(SubmissionLog warmup, SubmissionLog measured) {
        Set<UUID> ids = new HashSet<>(warmup.ids());
        ids.addAll(measured.ids());
        return ids;
    }

    /** The fake provider's accepted sends per {@code mailroom_id}; null with the sandbox provider, which keeps no such count. */
    static Map<String, Integer> sendsPerMessage(FakeSendGrid fake) {
        return fake == null ? null : fake.stats().acceptedPerMessage;
    }

    /**
     * Reads and judges the rows of the confirmed emails. A database that cannot be read gives a
     * ledger that says so instead of failing the run.
     *
     * @param sendsPerMessage accepted sends per {@code mailroom_id} (see {@link #sendsPerMessage}); null: duplicate
     *                        sends are not counted
     */
    static BenchReport.Ledger check(
            Database database,
            SubmissionLog warmup,
            SubmissionLog measured,
            Map<String, Integer> sendsPerMessage,
            boolean drained) {
        Set<UUID> ids = idsToCheck(warmup, measured);
        long start = System.nanoTime();
        try (Connection db = database.connect()) {
            LedgerReport report = LedgerQueries.check(db, ids, sendsPerMessage == null ? Map.of() : sendsPerMessage);
            return of(
                    report,
                    warmup.size(),
                    measured.size(),
                    sendsPerMessage != null,
                    drained,
                    (System.nanoTime() - start) / 1e9);
        } catch (SQLException | RuntimeException e) {
            String why =
                    database.postgres() ? "could not read the database: " : "embedded database, could not read it: ";
            return notChecked(why + e.getMessage(), warmup.size(), measured.size(), drained);
        }
    }

    /** The report's figures from what the check found. */
    static BenchReport.Ledger of(
            LedgerReport r,
            long warmupEmails,
            long measuredEmails,
            boolean sendsCounted,
            boolean drained,
            double seconds) {
        List<String> problems = new ArrayList<>(r.problems());
        if (sendsCounted && r.duplicateSends() > 0) {
            problems.add(
                    0,
                    r.duplicateSends()
                            + " sends accepted by the fake provider beyond the first of their email (no process crashed"
                            + " in this run: DESIGN §2.3 allows none)");
        }
        if (problems.size() > PROBLEMS_SHOWN) {
            int more = problems.size() - (PROBLEMS_SHOWN - 1);
            problems = new ArrayList<>(problems.subList(0, PROBLEMS_SHOWN - 1));
            problems.add("... and " + more + " more");
        }
        long duplicateActivityRows =
                r.duplicateRows() - r.duplicatedMessageRows().size();
        return new BenchReport.Ledger(
                null,
                EMAILS,
                warmupEmails,
                measuredEmails,
                r.submitted(),
                r.present(),
                r.lost(),
                r.missing().size(),
                r.notTerminal().size(),
                r.duplicatedMessageRows().size(),
                duplicateActivityRows,
                sendsCounted ? r.duplicateSends() : -1,
                r.repeatedDeliveries(),
                r.statusCounts(),
                List.copyOf(problems),
                drained,
                Round.two(seconds));
    }

    static BenchReport.Ledger notChecked(String why, long warmupEmails, long measuredEmails, boolean drained) {
        return new BenchReport.Ledger(
                why,
                EMAILS,
                warmupEmails,
                measuredEmails,
                warmupEmails + measuredEmails,
                -1,
                -1,
                -1,
                -1,
                -1,
                -1,
                -1,
                -1,
                Map.of(),
                List.of(),
                drained,
                0);
    }
}
