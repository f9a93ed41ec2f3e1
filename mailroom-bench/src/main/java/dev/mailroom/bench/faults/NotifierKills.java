package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.LedgerQueries;
import dev.mailroom.bench.cluster.LedgerRows.ActivityRow;
import dev.mailroom.bench.cluster.MailroomProcess;
import dev.mailroom.bench.sink.WebhookEndpoints;
import dev.mailroom.bench.sink.WebhookSink;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Scenario 9: webhooks to the customer's application survive notifier kills and an endpoint outage. The notifier
 * role runs in two processes of its own; the customer's endpoint is a {@link WebhookSink} in this JVM, registered
 * through the API and subscribed to every event. While the emails flow, a notifier is {@code kill -9}ed every 5–8 s
 * once both are up (alternately, each restarted at once), and in the middle the endpoint answers 503 for
 * {@value #OUTAGE_503_SECONDS} s, then refuses connections for {@value #OUTAGE_REFUSED_SECONDS} s. Then, bounded
 * by the drain timeout, every event the database calls for must arrive: each activity of each email × recipient
 * ({@link ExpectedNotifications}), none lost; a duplicate only under the same {@code webhook-id}; every signature
 * valid.
 */
final class NotifierKills extends FaultScenario {
    static final int OUTAGE_503_SECONDS = 30;
    static final int OUTAGE_REFUSED_SECONDS = 30;
    /** Seconds into the submissions when the endpoint's outage begins. */
    private static final int OUTAGE_STARTS_AFTER = 15;
    /** At most this many kills, whatever the run's length: bounded in count. */
    private static final int MAX_KILLS = 30;

    /**
     * Quick retries that still outlast the outage: each wait is drawn between half its step and the step, so even
     * the shortest draw (0.5 + 1 + 2.5 + 12 × 5 s = 64 s) spans the 60 s outage before a delivery gives up.
     */
    static final String RETRY_SCHEDULE = "PT1S,PT2S,PT5S" + ",PT10S".repeat(12);

    NotifierKills() {
        super(9, "notifier-kills", "kill -9 notifiers, endpoint down 60 s", 2_000);
    }

    static List<String> notifierArgs() {
        return List.of(
                "--mailroom.notifier.allow-http=true",
                "--mailroom.notifier.allow-private-addresses=true",
                "--mailroom.notifier.retry-schedule=" + RETRY_SCHEDULE,
                // The operators notice the new endpoint within a second rather than five.
                "--mailroom.accounts.key-recheck=PT1S");
    }

    @Override
    void run(ScenarioRun run, int messages) throws Exception {
        try (WebhookSink sink = WebhookSink.start(1)) {
            run.startCluster(healthyProvider(), notifierArgs(), 2);
            WebhookEndpoints.Registered endpoint = WebhookEndpoints.register(run.api.url(), run.apiKey, sink.url());
            sink.secret(endpoint.secret());
            run.log("endpoint %s registered on %s (subscribed to *)", endpoint.id(), sink.url());
            // The operators' view of which organizations have endpoints is at most key-recheck (1 s) old.
            Thread.sleep(3000);
            int outageSeconds = OUTAGE_503_SECONDS + OUTAGE_REFUSED_SECONDS;
            // Submissions last through the outage and a little after, so that events keep coming all along.
            double rate = Math.max(20, messages / (double) (OUTAGE_STARTS_AFTER + outageSeconds + 10));
            run.submit(messages, rate);
            long submitStart = System.nanoTime();
            long outageStart =
                    submitStart + Duration.ofSeconds(OUTAGE_STARTS_AFTER).toNanos();
            long refuseFrom =
                    outageStart + Duration.ofSeconds(OUTAGE_503_SECONDS).toNanos();
            long outageEnd =
                    refuseFrom + Duration.ofSeconds(OUTAGE_REFUSED_SECONDS).toNanos();
            long killsUntil = outageEnd + Duration.ofSeconds(10).toNanos();

            Thread outage = new Thread(() -> outage(run, sink, outageStart, refuseFrom, outageEnd), "endpoint-outage");
            outage.setDaemon(true);
            outage.start();

            int kills = 0;
            MailroomProcess victim = run.notifiers.get(0);
            while (kills < MAX_KILLS
                    && (System.nanoTime() < killsUntil
                            || kills < run.suite.options().kills())) {
                // Every notifier is back before the next dies: each works a little before it dies, and one is always
                // up, so the endpoint's outage meets attempts (a restart under load takes up to ~40 s; killing the
                // other meanwhile left none running through the whole 503 phase).
                for (MailroomProcess notifier : run.notifiers) {
                    notifier.awaitReady(ScenarioRun.START_TIMEOUT);
                }
                Thread.sleep(ThreadLocalRandom.current().nextLong(5_000, 8_001));
                kills++;
                run.killAndRestart(victim, " — notifier kill " + kills);
                victim = run.notifiers.get((run.notifiers.indexOf(victim) + 1) % run.notifiers.size());
            }
            outage.join(120_000);
            long faultEnd = System.nanoTime();
            run.drainAndRecordLedger(faultEnd);
            check(run, sink, kills, faultEnd);
            // Not left behind in the suite's database, where the notifier would keep retrying a closed port.
            WebhookEndpoints.delete(run.api.url(), run.apiKey, endpoint.id());
        }
    }

    /** The endpoint's outage, on its own clock: 503 from {@code outageStart}, refused from {@code refuseFrom}, back at {@code outageEnd}. */
    private static void outage(ScenarioRun run, WebhookSink sink, long outageStart, long refuseFrom, long outageEnd) {
        try {
            sleepUntil(outageStart);
            sink.unavailable(true);
            run.log("endpoint answers 503 for %d s", OUTAGE_503_SECONDS);
            sleepUntil(refuseFrom);
            sink.stopListening();
            sink.unavailable(false);
            run.log("endpoint refuses connections for %d s", OUTAGE_REFUSED_SECONDS);
            sleepUntil(outageEnd);
            sink.listenAgain(Duration.ofSeconds(30));
            run.log("endpoint back");
        } catch (Exception e) {
            run.result.failures.add("the endpoint's outage failed: " + e);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    private void check(ScenarioRun run, WebhookSink sink, int kills, long faultEnd) throws Exception {
        List<UUID> ids = run.submitter.confirmedIds();
        List<ActivityRow> activities;
        Map<UUID, List<String>> recipients;
        try (Connection db = run.suite.infrastructure().database().connect()) {
            activities = LedgerQueries.activities(db, ids);
            recipients = LedgerQueries.recipients(db, ids);
        }
        Map<String, String> expected = ExpectedNotifications.of(activities, recipients);
        Duration timeout = run.suite.options().drainTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastLog = 0;
        Set<String> missing = new HashSet<>(expected.keySet());
        while (true) {
            missing.removeIf(sink::received);
            if (missing.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            if (System.nanoTime() - lastLog > Duration.ofSeconds(5).toNanos()) {
                lastLog = System.nanoTime();
                run.log(
                        "webhooks: %d of %d expected events arrived",
                        expected.size() - missing.size(), expected.size());
            }
            Thread.sleep(500);
        }
        double allArrived = missing.isEmpty() ? ScenarioRun.seconds(faultEnd) : Double.NaN;
        WebhookSink.Stats stats = sink.stats();
        Map<String, WebhookSink.Event> received = sink.events();
        long unexpected = received.keySet().stream()
                .filter(id -> !expected.containsKey(id))
                .count();
        Map<String, Long> missingByStatus = new TreeMap<>();
        missing.forEach(id -> missingByStatus.merge(expected.get(id), 1L, Long::sum));
        // One event (type, message, recipient, time) delivered under two ids would be a duplicate the customer
        // cannot recognize.
        Map<String, Integer> idsPerEvent = new HashMap<>();
        for (WebhookSink.Event e : received.values()) {
            idsPerEvent.merge(
                    e.type() + "|" + e.messageId() + "|" + e.recipient() + "|" + e.occurredAt(), 1, Integer::sum);
        }
        long sameEventOtherId = idsPerEvent.values().stream().filter(n -> n > 1).count();

        run.result.webhooks = new ScenarioResult.Webhooks(
                expected.size(),
                expected.size() - missing.size(),
                missing.size(),
                stats.duplicates(),
                stats.invalidSignatures());
        run.result.note(
                "webhooks: %d events expected (activities × recipients), %d arrived%s, %d missing %s; %d requests,"
                        + " %d answered 503, %d duplicate deliveries (same webhook-id), %d ids not expected",
                expected.size(),
                expected.size() - missing.size(),
                Double.isNaN(allArrived) ? "" : String.format(" (all %.0f s after the faults ended)", allArrived),
                missing.size(),
                missingByStatus,
                stats.requests(),
                stats.refused503(),
                stats.duplicates(),
                unexpected);
        run.result.note(
                "notifier kills: %d; signatures checked %d: %s; unreadable bodies %d",
                kills, stats.verified(), stats.verdicts(), stats.unreadable());
        run.result.check(kills > 0, "no notifier was killed: the scenario tested nothing");
        run.result.check(stats.refused503() > 0, "the endpoint never answered 503: the outage tested nothing");
        run.result.check(!expected.isEmpty(), "no events expected: the scenario tested nothing");
        run.result.check(
                missing.isEmpty(),
                missing.size() + " webhook events lost (not arrived within " + timeout.toSeconds() + " s): "
                        + missingByStatus + ", e.g. "
                        + new ArrayList<>(missing).subList(0, Math.min(3, missing.size())));
        run.result.check(
                stats.idReusedForOtherEvent() == 0,
                stats.idReusedForOtherEvent() + " deliveries reused a webhook-id for another event");
        run.result.check(sameEventOtherId == 0, sameEventOtherId + " events arrived under more than one webhook-id");
        run.result.check(stats.verified() > 0, "no signature was checked");
        run.result.check(
                stats.invalidSignatures() == 0,
                stats.invalidSignatures() + " requests failed the Standard Webhooks check: " + stats.verdicts());
        run.result.check(stats.unreadable() == 0, stats.unreadable() + " request bodies were not JSON events");
    }
}
