package dev.mailroom.bench.faults;

import dev.mailroom.bench.CommandLineOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The command line of {@code faults}; every option has a default that fits the suite in about ten minutes here. */
record SuiteOptions(
        List<Integer> scenarios,
        Integer messages,
        int kills,
        Duration databaseOutage,
        Duration drainTimeout,
        String vhost,
        String database,
        Path mailroomJar,
        Path workDir,
        String pgVersion,
        String pgCluster,
        int dispatcherBatchSize,
        int dispatcherConsumers,
        boolean startupArchive,
        boolean help) {

    static final String USAGE = String.join(
            "\n",
            "usage: java -jar mailroom-bench.jar faults [options]",
            "",
            "Runs Mailroom as separate processes against RabbitMQ and PostgreSQL (SPRING_RABBITMQ_*, SPRING_DATASOURCE_*;",
            "defaults: user/password mailroom on 127.0.0.1), injects faults, and checks the ledger. Needs root (it restarts",
            "RabbitMQ and stops PostgreSQL). Exits 0 only if every scenario passes.",
            "",
            "  --scenario N[,N...]       scenarios to run (1-14; default: 1-9 and 14)",
            "  --cluster                 scenarios 10-13: a 3-node RabbitMQ cluster started by the suite (network namespaces,",
            "                            10.213.77.0/24; needs root) loses a node: 10 kill -9 the queues' leader, 11 stop and",
            "                            restart a follower, 12 kill -9 the node a client and a dispatcher use, 13 a 30 s partition",
            "  --messages N              emails per scenario (default per scenario: 10000, 5000, 3000, 3000, 1000, 1000, 2000, 1500,",
            "                            2000, 3000 for 14; 5000, 1500, 1500, 2000 for 10-13)",
            "  --kills N                 kill -9s in scenarios 1, 2 and 14 (default 5); at least as many notifier kills in 9",
            "  --db-outage-seconds N     how long PostgreSQL is stopped in scenario 4 (default 60)",
            "  --drain-timeout-seconds N how long a scenario may take to drain after its fault (default 180)",
            "  --vhost NAME              RabbitMQ virtual host to work in, created if missing (default mailroom-faults)",
            "  --database NAME           PostgreSQL database to work in, created if missing (default mailroom_faults)",
            "  --mailroom-jar PATH       the server jar (default: mailroom-server/target/mailroom.jar beside this jar's module)",
            "  --work-dir PATH           logs and data (default: mailroom-bench/target/faults)",
            "  --pg-version V --pg-cluster C   the cluster pg_ctlcluster stops and starts (default 15 main)",
            "  --dispatcher-batch-size N --dispatcher-consumers N   dispatcher settings (default 50 and 2;",
            "                            they set the duplicate-send bound of scenario 1)",
            "  --no-startup-archive      start the jar as it is, not extracted with its classes archived (class data",
            "                            sharing, trained once per suite: it halves each process's start)");

    static SuiteOptions parse(String[] args, Path benchJarDir) {
        // "-h" is the one short option: the same as --help.
        String[] given = java.util.Arrays.stream(args)
                .map(a -> a.equals("-h") ? "--help" : a)
                .toArray(String[]::new);
        Map<String, String> values = new LinkedHashMap<>();
        CommandLineOptions.parse(given, Set.of("help", "cluster", "no-startup-archive"))
                .forEach((name, all) -> values.put(name, all.get(all.size() - 1)));
        boolean help = values.remove("help") != null;
        boolean cluster = values.remove("cluster") != null;
        boolean startupArchive = values.remove("no-startup-archive") == null;
        Path moduleTarget = benchJarDir;
        Path defaultJar = moduleTarget
                .resolve("../../mailroom-server/target/mailroom.jar")
                .normalize();
        SuiteOptions options = new SuiteOptions(
                scenarios(values.remove("scenario"), cluster),
                values.containsKey("messages") ? positive("messages", values.remove("messages")) : null,
                positive("kills", values.getOrDefault("kills", "5")),
                Duration.ofSeconds(positive("db-outage-seconds", values.getOrDefault("db-outage-seconds", "60"))),
                Duration.ofSeconds(
                        positive("drain-timeout-seconds", values.getOrDefault("drain-timeout-seconds", "180"))),
                values.getOrDefault("vhost", "mailroom-faults"),
                values.getOrDefault("database", "mailroom_faults"),
                Path.of(values.getOrDefault("mailroom-jar", defaultJar.toString()))
                        .toAbsolutePath(),
                Path.of(values.getOrDefault(
                                "work-dir", moduleTarget.resolve("faults").toString()))
                        .toAbsolutePath(),
                values.getOrDefault("pg-version", "15"),
                values.getOrDefault("pg-cluster", "main"),
                positive("dispatcher-batch-size", values.getOrDefault("dispatcher-batch-size", "50")),
                positive("dispatcher-consumers", values.getOrDefault("dispatcher-consumers", "2")),
                startupArchive,
                help);
        List.of(
                        "kills",
                        "db-outage-seconds",
                        "drain-timeout-seconds",
                        "vhost",
                        "database",
                        "mailroom-jar",
                        "work-dir",
                        "pg-version",
                        "pg-cluster",
                        "dispatcher-batch-size",
                        "dispatcher-consumers")
                .forEach(values::remove);
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s): " + values.keySet());
        }
        return options;
    }

    /** Scenarios on the suite's own 3-node RabbitMQ cluster. */
    static final List<Integer> CLUSTER_SCENARIOS = List.of(10, 11, 12, 13);

    private static List<Integer> scenarios(String value, boolean cluster) {
        List<Integer> single = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 14);
        if (value == null) {
            return cluster ? CLUSTER_SCENARIOS : single;
        }
        List<Integer> chosen = new ArrayList<>();
        for (String part : value.split(",")) {
            if (part.trim().equals("all")) {
                chosen.addAll(single);
                continue;
            }
            int n;
            try {
                n = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--scenario takes numbers 1-14, got '" + part.trim() + "'");
            }
            if (n < 1 || n > 14) {
                throw new IllegalArgumentException("no scenario " + n + " (1-14)");
            }
            chosen.add(n);
        }
        if (cluster) {
            CLUSTER_SCENARIOS.stream().filter(n -> !chosen.contains(n)).forEach(chosen::add);
        }
        return chosen;
    }

    private static int positive(String name, String value) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got '" + value + "'");
        }
        if (n <= 0) {
            throw new IllegalArgumentException("--" + name + " must be positive, got " + n);
        }
        return n;
    }
}
