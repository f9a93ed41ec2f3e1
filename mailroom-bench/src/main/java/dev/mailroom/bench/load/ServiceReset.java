package dev.mailroom.bench.load;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.mailroom.bench.cluster.Broker;
import dev.mailroom.bench.cluster.Database;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Gives a Mailroom the benchmark starts an empty database and empty queues, so that one run's
 * leftovers cannot slow or pollute the next, and rows and queue messages per email are this
 * run's own. Only for a database and vhost set aside for benchmarks: both must say "bench".
 */
final class ServiceReset {
    static final List<String> MAILROOM_QUEUES = List.of(
            "mailroom.mailbox",
            "mailroom.mailbox.bulk",
            "mailroom.dispatching",
            "mailroom.dispatching.bulk",
            "mailroom.tracking",
            "mailroom.mailbox.dlq",
            "mailroom.mailbox.bulk.dlq",
            "mailroom.dispatching.dlq",
            "mailroom.dispatching.bulk.dlq",
            "mailroom.tracking.dlq",
            "mailroom.dead-letters",
            "mailroom.dead-letters.dlq",
            "mailroom.control",
            "mailroom.control.dlq");

    private ServiceReset() {}

    static void resetDatabase(Database db) throws SQLException {
        if (!db.name().contains("bench")) {
            throw new IllegalStateException(
                    "refusing to wipe database '" + db.name() + "': the benchmark resets its database"
                            + " before each run, so it must be one set aside for it (a name containing 'bench', e.g. mailroom_bench)");
        }
        try (java.sql.Connection c = db.connect();
                Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE");
            s.execute("CREATE SCHEMA public");
        }
    }

    static void deleteQueues(Broker broker) throws IOException {
        if (!broker.vhost().contains("bench")) {
            throw new IllegalStateException(
                    "refusing to delete the queues of vhost '" + broker.vhost() + "': the benchmark"
                            + " empties its vhost before each run, so it must be one set aside for it (e.g. mailroom-bench)");
        }
        try (Connection connection = broker.connect("mailroom-bench-reset");
                Channel channel = connection.createChannel()) {
            for (String queue : MAILROOM_QUEUES) {
                // Deleting a queue that does not exist is fine in RabbitMQ (no error).
                channel.queueDelete(queue);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException(e);
        }
    }
}
