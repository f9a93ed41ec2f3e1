package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.Infrastructure;
import dev.mailroom.bench.cluster.PostgresServer;
import dev.mailroom.bench.cluster.RabbitMqNode;
import dev.mailroom.bench.cluster.StartupArchive;
import java.io.PrintStream;

/**
 * What every scenario shares: the options, the services, where to print, the cluster of scenarios 10-13, and how
 * Mailroom's processes are launched.
 */
record SuiteContext(
        SuiteOptions options,
        Infrastructure infrastructure,
        RabbitMqNode rabbit,
        PostgresServer postgres,
        String runId,
        PrintStream out,
        SharedCluster cluster,
        StartupArchive launch) {}
