package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.RabbitMqCluster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The 3-node RabbitMQ cluster of scenarios 10 to 13, started once, when the first of them runs, and shared by them
 * (each works in a fresh vhost); stopped and removed (nodes, namespaces, bridge) when the suite ends, even when it
 * fails or is interrupted.
 */
final class SharedCluster implements AutoCloseable {
    static final String VHOST = "mailroom-faults-cluster";

    private final Path dir;
    private final String user;
    private final String password;
    private final PrintStream out;
    private RabbitMqCluster cluster;
    private Thread cleanup;

    SharedCluster(Path dir, String user, String password, PrintStream out) {
        this.dir = dir;
        this.user = user;
        this.password = password;
        this.out = out;
    }

    synchronized RabbitMqCluster get() throws IOException, InterruptedException {
        if (cluster == null) {
            long t0 = System.nanoTime();
            out.printf(
                    "Starting a 3-node RabbitMQ cluster (network namespaces mrc-n1..3 on bridge mrc-br), data under %s%n",
                    dir);
            cluster = RabbitMqCluster.start(dir, user, password, VHOST, out);
            RabbitMqCluster started = cluster;
            cleanup = new Thread(started::close, "rabbitmq-cluster-cleanup");
            Runtime.getRuntime().addShutdownHook(cleanup);
            out.printf("Cluster up in %.1f s: %s%n", ScenarioRun.seconds(t0), started.addresses());
        }
        return cluster;
    }

    @Override
    public synchronized void close() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway; closing twice is harmless.
            }
        }
    }
}
