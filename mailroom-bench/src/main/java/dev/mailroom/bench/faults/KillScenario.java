package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.LedgerReport;
import dev.mailroom.bench.cluster.MailroomProcess;
import java.time.Duration;
import java.util.List;

/**
 * Scenarios 1 and 2: {@code kill -9} a dispatcher (or an operator) N times while emails flow,
 * restarting it each time. One process of the role is down at a time: the next kill waits until
 * the last victim is ready again, and hits the other process of the role, which has been working
 * all along. The submission rate is set so that the submissions last as long as the kills.
 */
final class KillScenario extends FaultScenario {
    /** A victim must have been ready this long, so that it holds a full prefetch when it dies. */
    private static final Duration WORKING_BEFORE_KILL = Duration.ofSeconds(2);

    private final String role;

    private KillScenario(int number, String slug, String title, int defaultMessages, String role) {
        super(number, slug, title, defaultMessages);
        this.role = role;
    }

    static KillScenario dispatchers() {
        return new KillScenario(1, "dispatcher-kills", "kill -9 a dispatcher N times", 10_000, "dispatcher");
    }

    static KillScenario operators() {
        return new KillScenario(2, "operator-kills", "kill -9 an operator N times", 5_000, "operator");
    }

    /** Emails per second that make {@code messages} last through {@code kills} kill-and-restart cycles and a few seconds more. */
    static double rateFor(int messages, int kills, double restartSeconds) {
        double seconds = kills * (restartSeconds + WORKING_BEFORE_KILL.toSeconds()) + 5;
        return Math.max(20, Math.min(1000, messages / seconds));
    }

    @Override
    void run(ScenarioRun run, int messages) throws Exception {
        SuiteOptions options = run.suite.options();
        int kills = options.kills();
        run.startCluster(healthyProvider(), List.of());
        List<MailroomProcess> victims = role.equals("dispatcher") ? run.dispatchers : run.operators;

        if (role.equals("dispatcher")) {
            // Documented bound (README, "Duplicate sends are bounded"): a dispatcher that dies after
            // sending but before its reports were confirmed has at most its unacknowledged commands
            // sent again: prefetch (2 x batch size) per consumer.
            long prefetch = 2L * options.dispatcherBatchSize();
            long perKill = prefetch * options.dispatcherConsumers();
            run.result.duplicateSendBound = perKill * kills;
            run.result.note(
                    "duplicate-send bound: prefetch %d (2 x batch size %d) x %d consumers x %d dispatchers killed = %d",
                    prefetch, options.dispatcherBatchSize(), options.dispatcherConsumers(), kills, perKill * kills);
        } else {
            // Not asserted: a killed operator re-dispatches what it had published but not yet
            // recorded as QUEUED, at most its unacknowledged mailbox batches (batch size 200 x 2 consumers).
            run.result.note(
                    "operator kills: at most 2 x 200 (consumers x batch size) re-dispatched per kill = %d, not asserted",
                    400L * kills);
        }

        // Pace the submissions to last as long as the kills: a restart takes about as long as a
        // start on its own (the cluster's start, all processes at once, is slower); re-paced
        // after each restart from the restarts measured so far.
        double restartEstimate = Math.min(run.slowestStart(victims), 15);
        run.submit(messages, rateFor(messages, kills, restartEstimate));
        Thread.sleep(3000);
        double restartsTotal = 0;

        int afterSubmissions = 0;
        MailroomProcess victim = victims.get(0);
        for (int k = 1; k <= kills; k++) {
            victim.awaitReady(ScenarioRun.START_TIMEOUT);
            Thread.sleep(WORKING_BEFORE_KILL.toMillis());
            if (run.submitter.finished()) {
                afterSubmissions++;
            }
            run.killAndRestart(victim, " — kill " + k + " of " + kills);
            long restartedAt = System.nanoTime();
            victim.awaitReady(ScenarioRun.START_TIMEOUT);
            double restart = ScenarioRun.seconds(restartedAt);
            restartsTotal += restart;
            int left = messages - run.submitter.started();
            if (k < kills && left > 0) {
                run.submitter.setRate(rateFor(left, kills - k, restartsTotal / k));
            }
            run.log("%s ready again after %.1f s; submitting at %.0f/s", victim.name(), restart, run.submitter.rate());
            victim = victims.get((victims.indexOf(victim) + 1) % victims.size());
        }
        long faultEnd = System.nanoTime();
        if (afterSubmissions > 0) {
            run.result.note(
                    "%d of %d kills came after the last submission (the backlog was still draining)",
                    afterSubmissions, kills);
        }

        LedgerReport ledger = run.drainAndRecordLedger(faultEnd);
        run.result.check(
                ledger.duplicatedMessageRows().isEmpty() && ledger.missing().isEmpty(),
                "not exactly one messages row per confirmed id");
        if (run.result.duplicateSendBound != null) {
            run.result.check(
                    ledger.duplicateSends() <= run.result.duplicateSendBound,
                    ledger.duplicateSends() + " duplicate sends exceed the bound " + run.result.duplicateSendBound);
        }
    }
}
