package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.PostgresServer;
import dev.mailroom.bench.cluster.RabbitMqNode;
import java.time.Duration;

/**
 * Brings back a service the suite took down, should the suite end (failure, Ctrl-C) in the middle
 * of the outage: RabbitMQ and PostgreSQL are shared with everything else on the machine.
 */
final class OutageGuard {
    private static volatile PostgresServer stoppedPostgres;
    private static volatile RabbitMqNode stoppedRabbit;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(OutageGuard::restoreAll, "restore-services"));
    }

    private OutageGuard() {}

    static void postgresDown(PostgresServer postgres) {
        stoppedPostgres = postgres;
    }

    static void postgresUp() {
        stoppedPostgres = null;
    }

    static void rabbitDown(RabbitMqNode rabbit) {
        stoppedRabbit = rabbit;
    }

    static void rabbitUp() {
        stoppedRabbit = null;
    }

    private static void restoreAll() {
        PostgresServer postgres = stoppedPostgres;
        if (postgres != null) {
            System.err.println("[faults] restarting " + postgres.describe() + ", stopped by the suite");
            try {
                postgres.start(Duration.ofSeconds(60));
            } catch (InterruptedException | RuntimeException e) {
                System.err.println("[faults] could not restart PostgreSQL: " + e.getMessage());
            }
        }
        RabbitMqNode rabbit = stoppedRabbit;
        if (rabbit != null) {
            System.err.println("[faults] starting RabbitMQ, stopped by the suite");
            try {
                rabbit.start(Duration.ofSeconds(120));
            } catch (InterruptedException | RuntimeException e) {
                System.err.println("[faults] could not start RabbitMQ: " + e.getMessage());
            }
        }
    }
}
