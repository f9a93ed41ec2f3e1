package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.MailroomProcess;
import java.time.Duration;
import java.util.List;

/**
 * Scenario 3: the RabbitMQ node is stopped and started again (the whole Erlang VM) while emails
 * are being submitted and processed. The client resubmits what the broker did not confirm (see
 * {@link ConfirmedSubmissions}); every process must reconnect by itself, and every confirmed email arrive.
 */
final class BrokerRestart extends FaultScenario {
    private static final Duration BEFORE_RESTART = Duration.ofSeconds(8);

    BrokerRestart() {
        super(3, "broker-restart", "restart RabbitMQ", 3_000);
    }

    @Override
    void run(ScenarioRun run, int messages) throws Exception {
        run.startCluster(healthyProvider(), List.of());
        run.submit(messages, messages / 30.0);
        Thread.sleep(BEFORE_RESTART.toMillis());

        run.log(
                "restarting RabbitMQ (rabbitmqctl stop, rabbitmq-server -detached) at %d/%d confirmed",
                run.submitter.confirmedCount(), messages);
        OutageGuard.rabbitDown(run.suite.rabbit());
        Duration down;
        try {
            down = run.suite.rabbit().restart(Duration.ofSeconds(120));
        } catch (RuntimeException | InterruptedException e) {
            // Whatever went wrong, the broker must not stay down (if this fails too, the guard tries again at exit).
            run.suite.rabbit().start(Duration.ofSeconds(120));
            OutageGuard.rabbitUp();
            throw e;
        }
        OutageGuard.rabbitUp();
        run.log("RabbitMQ is back after %.1f s; waiting for every process to be ready again", down.toMillis() / 1000.0);
        long back = System.nanoTime();
        for (MailroomProcess p : run.cluster.processes()) {
            p.awaitReady(ScenarioRun.START_TIMEOUT);
        }
        run.log("every process ready %.1f s after the broker came back", ScenarioRun.seconds(back));
        long faultEnd = System.nanoTime();

        run.drainAndRecordLedger(faultEnd);
        run.result.note(
                "broker unavailable %.1f s; %d submits unconfirmed and resubmitted; %d orphans (unconfirmed, yet recorded: sent in"
                        + " addition, outside the ledger)",
                down.toMillis() / 1000.0, run.submitter.unconfirmed(), run.orphans());
    }
}
