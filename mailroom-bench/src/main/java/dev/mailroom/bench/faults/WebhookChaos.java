package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.LedgerQueries;
import dev.mailroom.bench.cluster.LedgerRows.ActivityRow;
import dev.mailroom.bench.cluster.LedgerRows.MessageRow;
import dev.mailroom.bench.fake.FakeSendGrid;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Scenario 7: the provider posts 20% of its webhook events twice and every batch in random order
 * (click before open before delivered). No event may be recorded twice, none may be missing, and
 * each message must end in the status its events call for: CLICKED if its recipient clicked,
 * else OPENED if they opened, else DELIVERED.
 */
final class WebhookChaos extends FaultScenario {
    WebhookChaos() {
        super(7, "webhook-chaos", "20% duplicated, shuffled webhooks", 2_000);
    }

    @Override
    void run(ScenarioRun run, int messages) throws Exception {
        FakeSendGrid.Options chaotic =
                new FakeSendGrid.Options(0, 0, 1, 0.6, 0.5, 0.20, true, Duration.ofMillis(200), 100, "", SEND_LATENCY);
        run.startCluster(chaotic, List.of());
        run.submit(messages, 200);
        run.submitter.awaitFinished(Duration.ofMinutes(2));
        long faultEnd = System.nanoTime();

        run.drainAndRecordLedger(faultEnd);

        FakeSendGrid.Stats stats = run.fake.stats();
        List<UUID> ids = run.submitter.confirmedIds();
        List<MessageRow> rows;
        List<ActivityRow> activities;
        try (Connection db = run.suite.infrastructure().database().connect()) {
            rows = LedgerQueries.messages(db, ids);
            activities = LedgerQueries.activities(db, ids);
        }
        Map<UUID, Set<String>> recordedEvents = new HashMap<>();
        for (ActivityRow a : activities) {
            if (a.providerEvent() != null) {
                recordedEvents
                        .computeIfAbsent(a.messageId(), k -> new HashSet<>())
                        .add(a.providerEvent());
            }
        }
        List<String> wrongStatus = new ArrayList<>();
        long missingEvents = 0;
        Map<String, Long> expectedCounts = new HashMap<>();
        for (MessageRow row : rows) {
            Set<String> planned =
                    stats.eventKindsPerMessage.getOrDefault(row.id().toString(), Set.of());
            String expected = expectedStatus(planned);
            expectedCounts.merge(expected, 1L, Long::sum);
            if (!expected.equals(row.status())) {
                wrongStatus.add(
                        row.id() + " is " + row.status() + ", expected " + expected + " (events " + planned + ")");
            }
            Set<String> recorded = recordedEvents.getOrDefault(row.id(), Set.of());
            for (String kind : planned) {
                if (!recorded.contains(kind)) {
                    missingEvents++;
                }
            }
        }
        run.result.note(
                "provider posted %d events, %d of them a second time, in shuffled batches (%d webhook calls, %d failed)",
                stats.eventsPosted.sum(),
                stats.eventsDuplicated.sum(),
                stats.webhookCalls.sum(),
                stats.webhookFailures.sum());
        run.result.note(
                "expected final statuses %s; %d messages in another status; %d events not recorded",
                expectedCounts, wrongStatus.size(), missingEvents);
        run.result.check(stats.eventsDuplicated.sum() > 0, "no event was duplicated: the scenario tested nothing");
        run.result.check(
                wrongStatus.isEmpty(),
                wrongStatus.size() + " messages in the wrong final status, e.g. "
                        + wrongStatus.subList(0, Math.min(3, wrongStatus.size())));
        run.result.check(missingEvents == 0, missingEvents + " provider events posted but not recorded");
    }

    static String expectedStatus(Set<String> plannedEvents) {
        if (plannedEvents.contains("click")) {
            return "CLICKED";
        }
        if (plannedEvents.contains("open")) {
            return "OPENED";
        }
        return plannedEvents.contains("delivered") ? "DELIVERED" : "(never sent)";
    }
}
