package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.LedgerQueries;
import dev.mailroom.bench.cluster.LedgerReport;
import dev.mailroom.bench.cluster.LedgerRows.MessageRow;
import dev.mailroom.bench.fake.FakeSendGrid;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5: the provider answers 30% of sends 503 and 10% 429 with {@code Retry-After: 1}.
 * Every email must be delivered in the end, each refusal must have cost its message one more
 * recorded attempt, and no message may be sent again sooner than the Retry-After allowed.
 *
 * <p>Settings, and why: 15 attempts (a message refused 14 times in a row at 40% has odds of
 * 3e-6), a first back-off of 50 ms and due retries released every 200 ms (so that the tail of
 * a few unlucky messages stays short: the back-off doubles per attempt); the 429's Retry-After is
 * what must be respected. The circuit breaker is set to open only when every recent send failed:
 * at a 40% refusal rate the default (50% of the last 20) would trip often and defer whole
 * batches for 30 s without sending them, which is failover behaviour, not what this scenario is about.
 */
final class ProviderRefusals extends FaultScenario {
    static final int MAX_ATTEMPTS = 15;

    ProviderRefusals() {
        super(5, "provider-refusals", "provider answers 30% 503, 10% 429", 1_000);
    }

    @Override
    void run(ScenarioRun run, int messages) throws Exception {
        FakeSendGrid.Options refusing = new FakeSendGrid.Options(
                0.30, 0.10, 1, 0.2, 0.5, 0, false, Duration.ofMillis(50), 100, "", SEND_LATENCY);
        run.startCluster(
                refusing,
                List.of(
                        "--mailroom.operator.max-attempts=" + MAX_ATTEMPTS,
                        "--mailroom.operator.retry-backoff=PT0.05S",
                        // Without a cap, a message refused ten times in a row backs off for minutes: an
                        // unlucky tail that outlasts the drain wait (seen once in CI).
                        "--mailroom.operator.max-retry-delay=PT2S",
                        "--mailroom.operator.release-interval=PT0.2S",
                        "--mailroom.dispatcher.circuit-breaker.failure-rate=100"));
        run.submit(messages, 200);
        run.submitter.awaitFinished(Duration.ofMinutes(2));
        long faultEnd = System.nanoTime();

        LedgerReport ledger = run.drainAndRecordLedger(faultEnd);

        FakeSendGrid.Stats stats = run.fake.stats();
        Map<String, Integer> refusals = stats.refusedPerMessage;
        List<MessageRow> rows;
        try (Connection db = run.suite.infrastructure().database().connect()) {
            rows = LedgerQueries.messages(db, run.submitter.confirmedIds());
        }
        long refused = 0;
        long retried = 0;
        long attemptsShort = 0;
        long attemptsExtra = 0;
        int maxAttempts = 0;
        for (MessageRow row : rows) {
            int r = refusals.getOrDefault(row.id().toString(), 0);
            maxAttempts = Math.max(maxAttempts, row.attempts());
            if (r == 0) {
                continue;
            }
            refused++;
            if (row.attempts() > 1) {
                retried++;
            }
            if (row.attempts() < r + 1) {
                attemptsShort++;
            } else if (row.attempts() > r + 1) {
                attemptsExtra++;
            }
        }
        run.result.note(
                "provider: %d accepted, %d answered 503, %d answered 429; %d sends retried sooner than Retry-After",
                stats.sendsAccepted.sum(),
                stats.sendsRefused503.sum(),
                stats.sendsRefused429.sum(),
                stats.retriedTooEarly.sum());
        run.result.note(
                "%d messages refused at least once, %d of them with attempts > 1; attempts = refusals + 1 for all but %d"
                        + " (fewer) and %d (more); most attempts of one message: %d",
                refused, retried, attemptsShort, attemptsExtra, maxAttempts);
        run.result.check(
                ledger.delivered() == ledger.submitted(),
                (ledger.submitted() - ledger.delivered()) + " messages not delivered");
        run.result.check(refused > 0, "the provider refused nothing: the scenario tested nothing");
        run.result.check(retried == refused, (refused - retried) + " refused messages have attempts <= 1");
        run.result.check(
                attemptsShort == 0, attemptsShort + " messages have fewer attempts recorded than refusals + 1");
        run.result.check(
                stats.retriedTooEarly.sum() == 0,
                stats.retriedTooEarly.sum() + " sends came sooner than the Retry-After allowed");
    }
}
