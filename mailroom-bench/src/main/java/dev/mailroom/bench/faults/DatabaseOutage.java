package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.LedgerQueries;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Scenario 4: PostgreSQL is stopped for a minute while emails are submitted. Operators must hold
 * their batches and retry in place (nothing redelivered up to the delivery limit, nothing
 * dead-lettered), and the backlog must drain once the database is back.
 */
final class DatabaseOutage extends FaultScenario {
    private static final Duration BEFORE_OUTAGE = Duration.ofSeconds(5);

    DatabaseOutage() {
        super(4, "database-outage", "stop PostgreSQL for 60 s", 3_000);
    }

    @Override
    void run(ScenarioRun run, int messages) throws Exception {
        Duration outage = run.suite.options().databaseOutage();
        run.startCluster(healthyProvider(), List.of());
        run.submit(messages, messages / 30.0);
        Thread.sleep(BEFORE_OUTAGE.toMillis());

        run.log(
                "stopping %s for %d s at %d/%d confirmed",
                run.suite.postgres().describe(), outage.toSeconds(), run.submitter.confirmedCount(), messages);
        OutageGuard.postgresDown(run.suite.postgres());
        Map<String, Long> backlog;
        try {
            run.suite.postgres().stop();
            long stoppedAt = System.nanoTime();
            while (ScenarioRun.seconds(stoppedAt) < outage.toSeconds()) {
                Thread.sleep(5000);
                run.log(
                        "database down; confirmed %d/%d; queues %s",
                        run.submitter.confirmedCount(), messages, run.depths(ScenarioRun.WORK_QUEUES));
            }
            backlog = run.depths(ScenarioRun.WORK_QUEUES);
        } finally {
            run.suite.postgres().start(Duration.ofSeconds(60));
            OutageGuard.postgresUp();
        }
        run.log("PostgreSQL is back; backlog %s", backlog);
        long faultEnd = System.nanoTime();

        run.drainAndRecordLedger(faultEnd);
        List<LedgerQueries.DeadLetter> deadLetters;
        try (Connection db = run.suite.infrastructure().database().connect()) {
            deadLetters = LedgerQueries.deadLettersSince(db, run.startedAt);
        }
        Map<String, Long> dlq = run.depths(ScenarioRun.DEAD_LETTER_QUEUES);
        long inDlq = dlq.values().stream().mapToLong(Long::longValue).sum();
        run.result.note(
                "backlog when the database came back: %s; dead_letters rows since the start: %d; .dlq queues: %s",
                backlog, deadLetters.size(), dlq);
        run.result.check(
                deadLetters.isEmpty(),
                deadLetters.size() + " rows dead-lettered during the outage, e.g. "
                        + deadLetters.subList(0, Math.min(3, deadLetters.size())));
        run.result.check(inDlq == 0, inDlq + " messages in the RabbitMQ dead-letter queues: " + dlq);
    }
}
