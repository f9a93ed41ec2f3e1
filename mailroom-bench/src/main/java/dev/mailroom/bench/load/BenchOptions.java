package dev.mailroom.bench.load;

import dev.mailroom.bench.CommandLineOptions;
import dev.mailroom.bench.cluster.Infrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything a benchmark run is told on its command line. Every run is bounded: a duration and
 * a count, whichever comes first, and a drain timeout after the load.
 */
record BenchOptions(
        Setup setup,
        Mode mode,
        SubmitVia submitVia,
        int rate,
        Duration duration,
        long count,
        Duration warmup,
        Duration drainTimeout,
        int operators,
        int dispatchers,
        String heap,
        List<String> serverArgs,
        List<String> jvmArgs,
        Path jar,
        String amqpUri,
        String jdbcUrl,
        String dbUser,
        String dbPassword,
        String apiUrl,
        String apiKey,
        String metricsToken,
        String provider,
        int fakePort,
        Path fakeKeyFile,
        List<String> watch,
        double openRate,
        double clickRate,
        Duration eventDelay,
        int webhookBatch,
        int webhookPosters,
        Duration webhookLinger,
        int bodyBytes,
        Duration ceilingDuration,
        boolean profile,
        Path resultsDir,
        long maxBacklog,
        int restConcurrency,
        int ingestConcurrency,
        String label,
        int organizations,
        List<String> orgKeys,
        int restBatch,
        int fairRate,
        int quota,
        int clientBulkAbove,
        boolean webhookEndpoint,
        int notifiers,
        boolean keepDatabase) {

    /** Where the Mailroom under test comes from. */
    enum Setup {
        /** One process, every role, embedded Qpid broker and H2 (zero configuration). */
        EMBEDDED,
        /** One process, every role, on RabbitMQ and PostgreSQL. */
        SINGLE,
        /** Operators, dispatchers and an api+webhooks process, each its own JVM, on RabbitMQ and PostgreSQL. */
        SPLIT,
        /** A Mailroom someone else started. */
        RUNNING
    }

    enum Mode {
        /** Emails through the whole pipeline, tracked to their last event. */
        PIPELINE,
        /** Signed SendGrid event batches posted to the webhook sink as fast as it answers. */
        INGEST,
        /** Organization A floods the mailbox while organization B sends a few emails a second over REST (issue 12). */
        FAIRNESS,
        /** A provider send-rate limit on every dispatcher; the fake counts the sends it receives in each second. */
        QUOTA
    }

    enum SubmitVia {
        AMQP,
        REST
    }

    /** {@link #rate} meaning "as fast as Mailroom takes them". */
    static final int MAX_RATE = -1;

    static final long COUNT_CAP = 2_000_000;

    /** Organizations the load is spread over when the benchmark starts Mailroom and is not told otherwise. */
    static final int DEFAULT_ORGANIZATIONS = 10;

    static final int MAX_ORGANIZATIONS = 100;

    boolean asFastAsPossible() {
        return rate == MAX_RATE;
    }

    boolean startsMailroom() {
        return setup != Setup.RUNNING;
    }

    boolean onEmbeddedInfrastructure() {
        return setup == Setup.EMBEDDED;
    }

    /** RabbitMQ and PostgreSQL as --amqp-uri, --jdbc-url, --db-user and --db-password give them. */
    Infrastructure infrastructure() {
        return Infrastructure.of(amqpUri, jdbcUrl, dbUser, dbPassword);
    }

    static final String USAGE = """
            usage: java -jar mailroom-bench.jar bench [options]

            What to measure
              --mode pipeline|ingest|fairness|quota|history
                                         pipeline: emails through every step (default); ingest: webhook batches only;
                                         fairness: organization A submits --count emails through the mailbox as fast as
                                         it can while organization B submits --fair-rate emails/s through REST (a request
                                         per email, on schedule) until A's last is dispatched; then A again, alone;
                                         verdicts: B's p99 submit -> DISPATCHED < 1 s, A's throughput >= 90% of A alone's,
                                         0 lost;
                                         quota: --count emails at --rate with a send-rate limit of --quota/s for the
                                         provider on every dispatcher; verdicts: the fake provider receives at most
                                         --quota x 1.10 sends in every wall-clock second, 0 lost, 0 FAILED;
                                         history: the history command (java -jar mailroom-bench.jar history --help):
                                         an email history filled into PostgreSQL, its reads measured
              --setup split|single|embedded|running
                                         split: operator(s), dispatcher(s), api+webhooks as separate JVMs on RabbitMQ +
                                         PostgreSQL (default); single: one JVM, all roles, on RabbitMQ + PostgreSQL;
                                         embedded: one JVM on its embedded Qpid + H2; running: a Mailroom already running
              --submit amqp|rest         through mailroom-client on the mailbox queue (default) or POST /api/v1/messages
              --rate N|max               emails/s (default 500); max: as fast as Mailroom takes them (backlog-capped)
              --duration S               seconds of load (default 30)
              --count N                  at most N emails, or events for ingest (default rate x duration; else 2,000,000)
              --warmup S                 seconds of unmeasured load first, for the JITs (default 60: on 2 cores, four JVMs
                                         compile for 40 s or more, and latency until then says more about C2 than about Mailroom)
              --drain-timeout S          how long to wait for the last emails to be fully tracked (default 60)
              --ceiling-seconds S        length of each infrastructure-ceiling loop (default 10; 0 = skip)
              --profile                  record a JFR profile of every Mailroom process; hot methods in the report
              --label TEXT               a note for the report
              --client-bulk-above N      the AMQP submitters' MailroomClient.setBulkAbove (default: the client's, 50/s);
                                         a large N keeps every submission on the prompt mailbox, as an old client or a
                                         hand-written producer would (and as a Mailroom without bulk lanes needs)
              --fair-rate N              fairness: organization B's emails/s (default 5); --count is A's (default 100,000;
                                         --rate is not used: A submits with up to 2,000 unconfirmed in flight)
              --quota N                  quota: mailroom.dispatcher.rate-limits.sendgrid on every dispatcher (default 50);
                                         defaults for this mode: --count 3000, --dispatchers 3
              Fairness and quota skip the ceilings (--ceiling-seconds 0), default to --duration 600 (a bound on the
              submitting only) and --drain-timeout 600; quota defaults to --warmup 0 (every second counts).
              --organizations N          spread the load over N organizations, each submitting with its own key
                                         (default 10 when the benchmark starts Mailroom: it creates them through the
                                         REST API with a platform key, and one owner each who signs in and creates a
                                         send+read key; 1: everything through the bootstrap key of organization default)

            Mailroom processes (setups it starts)
              --jar PATH                 default mailroom-server/target/mailroom.jar
              --operators N              operator processes in split (default 1)
              --dispatchers N            dispatcher processes in split (default 1)
              --heap SIZE                -Xmx of each process (default 512m)
              --server-arg ARG           passed to every Mailroom process (repeatable), e.g. --server-arg=--mailroom.operator.batch-size=500
              --jvm-arg ARG              passed to every Mailroom JVM (repeatable)
              --otlp                     tracing export on: starts a local OTLP/HTTP receiver that counts spans and
                                         points every Mailroom process at it (the count is printed after the report)

            Infrastructure
              --amqp-uri URI             default amqp://mailroom:mailroom@127.0.0.1:5672/mailroom-bench (a vhost of its own)
              --jdbc-url URL             default jdbc:postgresql://127.0.0.1:5432/mailroom_bench
              --db-user U --db-password P   default mailroom / mailroom
              Setups that start Mailroom reset the schema of that database and purge the vhost's queues first,
              so they refuse a database whose name does not contain "bench".
              --keep-database            split and single: run on top of what the database holds (e.g. the history
                                         benchmark's, --jdbc-url jdbc:postgresql://127.0.0.1:5432/mailroom_history),
                                         its schema migrated, not reset; the run's emails are counted among its own
                                         organizations' (created for it, --organizations >= 2)

            An already running Mailroom (--setup running)
              --api-url URL --api-key KEY   its REST API (for --submit rest and health)
              --org-key KEY                 a send-scoped key of one organization (repeatable): the load is spread
                                            over these keys; --organizations defaults to their number (else 1)
              --provider sendgrid|sandbox   sendgrid (default): Mailroom must use this fake (printed at start);
                                            sandbox: its built-in provider, recipients click+N@ (3 events each)
              --fake-port N --fake-key-file PATH   where the fake listens and its signing key (created if missing)
              --watch NAME=PID[=URL]        sample that process's CPU and memory (and heap from URL/actuator/prometheus); repeatable
              --metrics-token TOKEN         sent to the --watch URLs: their mailroom.management.metrics-token (default: --api-key,
                                            which opens the metrics of a process with the API role only)

            Fake provider and load shape
              --open-rate R --click-rate R   share of emails opened, and of those clicked (default 1.0 and 1.0: 3 events each)
              --event-delay-ms N         delay from send to events (default 50)
              --webhook-batch N          events per webhook call, at most (default 100)
              --webhook-posters N        webhook calls in flight (default 4)
              --webhook-linger-ms N      wait up to N ms to fill a webhook batch, as SendGrid batches (default 100; 0 = post what is due)
              --body-bytes N             text size of each email (default 1000)
              --max-backlog N            for --rate max: emails submitted but not yet sent, at most (default 5000)
              --rest-concurrency N       requests in flight for --submit rest (default 32)
              --rest-batch N             emails per request for --submit rest (default 1: one POST /api/v1/messages
                                         each); N > 1: POST /api/v1/messages/batch with up to N (at most 500)
              --ingest-concurrency N     webhook calls in flight for --mode ingest (default 8)
              --results DIR              default mailroom-bench/results

            Webhooks to the customer's application (pipeline mode, setups the benchmark starts)
              --webhook-endpoint         run the notifier role and register, for every organization, an endpoint
                                         subscribed to * on a sink in the benchmark's JVM (answers 204 at once, counts
                                         the events, verifies the signature of one request in 100); the report adds
                                         events received, events/s at the endpoint and the delivery lag
              --notifiers N              notifier processes in split (default 1); single and embedded add the role to
                                         their one process
            """;

    private static final Set<String> FLAGS = Set.of("profile", "help", "webhook-endpoint", "keep-database");

    static BenchOptions parse(String[] args) {
        Map<String, List<String>> values = CommandLineOptions.parse(args, FLAGS);
        CommandLineOptions.Values r = new CommandLineOptions.Values(values);
        if (r.flag("help")) {
            throw new IllegalArgumentException("");
        }
        Setup setup = Setup.valueOf(r.text("setup", "split").toUpperCase());
        Mode mode = Mode.valueOf(r.text("mode", "pipeline").toUpperCase());
        String rateText = r.text("rate", "500");
        int rate = rateText.equals("max") ? MAX_RATE : Integer.parseInt(rateText);
        if (rate == 0 || rate < MAX_RATE) {
            throw new IllegalArgumentException("--rate must be positive or 'max'");
        }
        boolean traffic = mode == Mode.FAIRNESS || mode == Mode.QUOTA;
        // Fairness and quota are bound by their count: the duration only stops a submission that hangs.
        Duration duration = Duration.ofSeconds(r.number("duration", traffic ? 600 : 30));
        // For ingest the count is of events; for max rate the duration is the bound that matters.
        long defaultCount = mode == Mode.FAIRNESS
                ? 100_000
                : mode == Mode.QUOTA
                        ? 3_000
                        : rate == MAX_RATE || mode == Mode.INGEST
                                ? COUNT_CAP
                                : Math.min(COUNT_CAP, (long) rate * duration.toSeconds());
        long count = Math.min(COUNT_CAP, r.number("count", defaultCount));
        BenchOptions options = new BenchOptions(
                setup,
                mode,
                SubmitVia.valueOf(r.text("submit", "amqp").toUpperCase()),
                rate,
                duration,
                count,
                // Quota: the warm-up's sends would be seconds of their own, and every second counts.
                Duration.ofSeconds(r.number("warmup", mode == Mode.QUOTA ? 0 : 60)),
                Duration.ofSeconds(r.number("drain-timeout", traffic ? 600 : 60)),
                (int) r.number("operators", 1),
                (int) r.number("dispatchers", mode == Mode.QUOTA ? 3 : 1),
                r.text("heap", "512m"),
                r.all("server-arg"),
                r.all("jvm-arg"),
                Path.of(r.text("jar", "mailroom-server/target/mailroom.jar")),
                r.text("amqp-uri", "amqp://mailroom:mailroom@127.0.0.1:5672/mailroom-bench"),
                r.text("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/mailroom_bench"),
                r.text("db-user", "mailroom"),
                r.text("db-password", "mailroom"),
                r.text("api-url", null),
                r.text("api-key", null),
                r.text("metrics-token", null),
                r.text("provider", "sendgrid"),
                (int) r.number("fake-port", 0),
                r.text("fake-key-file", null) == null ? null : Path.of(r.text("fake-key-file", null)),
                r.all("watch"),
                r.decimal("open-rate", 1.0),
                r.decimal("click-rate", 1.0),
                Duration.ofMillis(r.number("event-delay-ms", 50)),
                (int) r.number("webhook-batch", 100),
                (int) r.number("webhook-posters", 4),
                Duration.ofMillis(r.number("webhook-linger-ms", 100)),
                (int) r.number("body-bytes", 1000),
                Duration.ofSeconds(r.number("ceiling-seconds", traffic ? 0 : 10)),
                r.flag("profile"),
                Path.of(r.text("results", "mailroom-bench/results")),
                r.number("max-backlog", 5000),
                (int) r.number("rest-concurrency", 32),
                (int) r.number("ingest-concurrency", 8),
                r.text("label", ""),
                organizations(r, setup, mode),
                r.all("org-key"),
                (int) r.number("rest-batch", 1),
                (int) r.number("fair-rate", 5),
                (int) r.number("quota", 50),
                (int) r.number("client-bulk-above", -1),
                r.flag("webhook-endpoint"),
                (int) r.number("notifiers", 1),
                r.flag("keep-database"));
        r.rejectUnknown();
        options.check();
        return options;
    }

    /** The default depends on the setup: a running Mailroom's organizations are those whose keys were given. */
    private static int organizations(CommandLineOptions.Values r, Setup setup, Mode mode) {
        List<String> orgKeys = r.all("org-key");
        long fallback = mode == Mode.FAIRNESS
                ? 2
                : mode == Mode.QUOTA ? 1 : setup == Setup.RUNNING ? Math.max(1, orgKeys.size()) : DEFAULT_ORGANIZATIONS;
        return (int) r.number("organizations", fallback);
    }

    /** Whether the benchmark creates the organizations (and their keys) itself before the load. */
    boolean provisionsOrganizations() {
        return startsMailroom() && (mode == Mode.PIPELINE || mode == Mode.FAIRNESS) && organizations > 1;
    }

    /** The server argument that sets the quota mode's provider limit on every Mailroom process. */
    String quotaServerArg() {
        return "--mailroom.dispatcher.rate-limits.sendgrid=" + quota;
    }

    private void check() {
        if (restBatch < 1 || restBatch > 500) {
            throw new IllegalArgumentException(
                    "--rest-batch must be 1..500 (a batch request takes at most 500 emails)");
        }
        if (mode == Mode.FAIRNESS || mode == Mode.QUOTA) {
            checkTraffic();
        }
        if (webhookEndpoint && (mode != Mode.PIPELINE || setup == Setup.RUNNING)) {
            throw new IllegalArgumentException(
                    "--webhook-endpoint is for --mode pipeline on a Mailroom the benchmark starts (not --setup running)");
        }
        if (keepDatabase && (setup == Setup.EMBEDDED || setup == Setup.RUNNING || organizations < 2)) {
            throw new IllegalArgumentException("--keep-database is for --setup split or single with --organizations 2"
                    + " or more: the run's emails are told from the database's others by the organizations the"
                    + " benchmark creates for it");
        }
        if (notifiers < 1 || notifiers > 8) {
            throw new IllegalArgumentException("--notifiers must be 1..8");
        }
        if (organizations < 1 || organizations > MAX_ORGANIZATIONS) {
            throw new IllegalArgumentException("--organizations must be 1.." + MAX_ORGANIZATIONS);
        }
        if (setup != Setup.RUNNING && !orgKeys.isEmpty()) {
            throw new IllegalArgumentException(
                    "--org-key is for --setup running: a Mailroom the benchmark starts gets its organizations and keys"
                            + " from the benchmark (--organizations N)");
        }
        if (setup == Setup.RUNNING && organizations > 1 && orgKeys.size() != organizations) {
            throw new IllegalArgumentException("--setup running with --organizations " + organizations + " needs "
                    + organizations + " --org-key options (one send-scoped key of each organization), got "
                    + orgKeys.size());
        }
        if (setup == Setup.RUNNING) {
            if (submitVia == SubmitVia.REST && (apiUrl == null || (apiKey == null && orgKeys.isEmpty()))) {
                throw new IllegalArgumentException(
                        "--setup running with --submit rest needs --api-url and --api-key (or --org-key)");
            }
            if (provider.equals("sendgrid") && (fakePort == 0 || fakeKeyFile == null)) {
                throw new IllegalArgumentException(
                        "--setup running with the sendgrid fake needs --fake-port and --fake-key-file"
                                + " (the Mailroom must be configured with that fake's base URL and public key)");
            }
            if (mode == Mode.INGEST && apiUrl == null) {
                throw new IllegalArgumentException(
                        "--mode ingest on a running Mailroom needs --api-url (its webhook sink)");
            }
            if (submitVia == SubmitVia.AMQP && apiKey == null && orgKeys.isEmpty()) {
                throw new IllegalArgumentException("--setup running with --submit amqp needs --api-key (or --org-key):"
                        + " every mailbox message is signed with it");
            }
        }
        for (String spec : watch) {
            if (!spec.matches("[^=]+=\\d+(=http://.+)?")) {
                throw new IllegalArgumentException(
                        "--watch takes NAME=PID or NAME=PID=http://host:port, not '" + spec + "'");
            }
        }
        if (!provider.equals("sendgrid") && !provider.equals("sandbox")) {
            throw new IllegalArgumentException("--provider must be sendgrid or sandbox");
        }
        if (!provider.equals("sendgrid") && setup != Setup.RUNNING) {
            throw new IllegalArgumentException("setups the benchmark starts always use the sendgrid fake");
        }
        if (mode == Mode.INGEST && !provider.equals("sendgrid")) {
            throw new IllegalArgumentException("--mode ingest posts SendGrid batches; use --provider sendgrid");
        }
        if (webhookBatch < 1 || webhookBatch > 100) {
            throw new IllegalArgumentException("--webhook-batch must be 1..100");
        }
        if (duration.isZero() || duration.isNegative() || duration.toMinutes() > 60) {
            throw new IllegalArgumentException("--duration must be 1..3600 seconds");
        }
        if (drainTimeout.toMinutes() > 30) {
            throw new IllegalArgumentException("--drain-timeout is at most 1800 seconds");
        }
    }

    private void checkTraffic() {
        String name = "--mode " + mode.name().toLowerCase();
        if (setup == Setup.RUNNING) {
            throw new IllegalArgumentException(
                    name + " starts its own Mailroom (and fake provider): not --setup running");
        }
        if (mode == Mode.FAIRNESS && organizations != 2) {
            throw new IllegalArgumentException(name + " uses two organizations, A and B: --organizations 2");
        }
        if (mode == Mode.FAIRNESS && submitVia != SubmitVia.AMQP) {
            throw new IllegalArgumentException(name + " submits A's emails through the mailbox: --submit amqp");
        }
        if (fairRate < 1 || fairRate > 100) {
            throw new IllegalArgumentException("--fair-rate must be 1..100 emails/s");
        }
        if (quota < 1) {
            throw new IllegalArgumentException("--quota must be positive");
        }
        if (mode == Mode.QUOTA && serverArgs.stream().anyMatch(a -> a.contains("rate-limits.sendgrid"))) {
            throw new IllegalArgumentException(
                    name + " sets mailroom.dispatcher.rate-limits.sendgrid itself: use --quota, not --server-arg");
        }
    }
}
