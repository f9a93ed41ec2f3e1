package dev.mailroom.bench.history;

import dev.mailroom.bench.CommandLineOptions;
import dev.mailroom.bench.cluster.Infrastructure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Everything {@code history} is told on its command line; every part of the run is bounded in count and time. */
record HistoryOptions(
        long emails,
        int days,
        int organizations,
        long seed,
        int readers,
        int requests,
        Duration kindTime,
        Duration warmup,
        int pageDepth,
        int memberPageDepth,
        boolean measure,
        boolean explain,
        Path jar,
        String heap,
        List<String> serverArgs,
        List<String> jvmArgs,
        String amqpUri,
        String jdbcUrl,
        String dbUser,
        String dbPassword,
        Path postgresLog,
        Path resultsDir,
        String label,
        List<String> commandLine) {

    static final long DEFAULT_EMAILS = 1_000_000;
    static final long MAX_EMAILS = 100_000_000;

    static final String USAGE = """
            usage: java -jar mailroom-bench.jar history [options]

            Fills a PostgreSQL database with an email history (through Mailroom's own schema and REST API for
            organizations and keys, then COPY), then measures the REST API's reads of it with Mailroom in the api
            role only, and writes a report to --results.

            The history
              --emails N               emails in all (default 1,000,000); members: one per ten emails
              --days N                 spread over the last N days (default 90)
              --organizations N        organizations of very different sizes: the i-th sends in proportion to
                                       1/i^1.5 (default 10: the first about half of all email, the last under 2%)
              --seed N                 the same seed, the same history (default 1)

            The reads (the largest organization and the smallest)
              --readers N              concurrent readers (default 4)
              --requests N             at most N requests of each kind per organization (default 500)
              --kind-seconds S         at most S seconds of each kind per organization (default 15)
              --warmup S               unmeasured reads first, every kind of both organizations in turn, again
                                       until S seconds have passed (default 60): the JITs' warm-up, so that the
                                       kind measured first does not pay for it (0: one round only)
              --page-depth N           message list pages walked by cursor (default 100)
              --member-page-depth N    member list pages walked by cursor (default 20)
              --no-measure             fill only
              --no-explain             no query plans (they need root: auto_explain is set up with psql as the
                                       postgres user, and the server's log read from /var/log/postgresql)

            Mailroom
              --jar PATH               default mailroom-server/target/mailroom.jar
              --heap SIZE              -Xmx of the Mailroom process (default 512m)
              --server-arg ARG         passed to every Mailroom process (repeatable)
              --jvm-arg ARG            passed to every Mailroom JVM (repeatable)

            Infrastructure
              --jdbc-url URL           default jdbc:postgresql://127.0.0.1:5432/mailroom_history; its schema
                                       (currentSchema=..., else public) is dropped and created again, so the database
                                       name, or the schema's, must contain "history" or "bench"; the database is
                                       created (as the postgres user) if it does not exist
              --db-user U --db-password P   default mailroom / mailroom
              --amqp-uri URI           default amqp://mailroom:mailroom@127.0.0.1:5672/mailroom-history (the vhost is
                                       created if missing): Mailroom's API needs its broker to start
              --postgres-log PATH      PostgreSQL's log, where auto_explain writes the plans (default: Debian's
                                       /var/log/postgresql/postgresql-<version>-<cluster>.log)
              --results DIR            default mailroom-bench/results
              --label TEXT             a note for the report
            """;

    private static final Set<String> FLAGS = Set.of("help", "no-measure", "no-explain");

    static HistoryOptions parse(String[] args) {
        CommandLineOptions.Values r = new CommandLineOptions.Values(CommandLineOptions.parse(args, FLAGS));
        if (r.flag("help")) {
            throw new IllegalArgumentException("");
        }
        String log = r.text("postgres-log", null);
        HistoryOptions o = new HistoryOptions(
                r.number("emails", DEFAULT_EMAILS),
                (int) r.number("days", 90),
                (int) r.number("organizations", 10),
                r.number("seed", 1),
                (int) r.number("readers", 4),
                (int) r.number("requests", 500),
                Duration.ofSeconds(r.number("kind-seconds", 15)),
                Duration.ofSeconds(r.number("warmup", 60)),
                (int) r.number("page-depth", 100),
                (int) r.number("member-page-depth", 20),
                !r.flag("no-measure"),
                !r.flag("no-explain"),
                Path.of(r.text("jar", "mailroom-server/target/mailroom.jar")),
                r.text("heap", "512m"),
                r.all("server-arg"),
                r.all("jvm-arg"),
                r.text("amqp-uri", "amqp://mailroom:mailroom@127.0.0.1:5672/mailroom-history"),
                r.text("jdbc-url", "jdbc:postgresql://127.0.0.1:5432/mailroom_history"),
                r.text("db-user", "mailroom"),
                r.text("db-password", "mailroom"),
                log == null ? null : Path.of(log),
                Path.of(r.text("results", "mailroom-bench/results")),
                r.text("label", ""),
                List.of(args));
        r.rejectUnknown();
        o.check();
        return o;
    }

    Infrastructure infrastructure() {
        return Infrastructure.of(amqpUri, jdbcUrl, dbUser, dbPassword);
    }

    private void check() {
        if (emails < 100 || emails > MAX_EMAILS) {
            throw new IllegalArgumentException("--emails must be 100.." + MAX_EMAILS);
        }
        if (days < 1 || days > 3650) {
            throw new IllegalArgumentException("--days must be 1..3650");
        }
        if (organizations < 1 || organizations > 100) {
            throw new IllegalArgumentException("--organizations must be 1..100");
        }
        if (readers < 1 || readers > 32) {
            throw new IllegalArgumentException("--readers must be 1..32");
        }
        if (requests < 1 || requests > 100_000) {
            throw new IllegalArgumentException("--requests must be 1..100,000");
        }
        if (kindTime.isNegative() || kindTime.isZero() || kindTime.toMinutes() > 10) {
            throw new IllegalArgumentException("--kind-seconds must be 1..600");
        }
        if (warmup.isNegative() || warmup.toMinutes() > 10) {
            throw new IllegalArgumentException("--warmup must be 0..600 seconds");
        }
        if (pageDepth < 2 || pageDepth > 10_000 || memberPageDepth < 2 || memberPageDepth > 10_000) {
            throw new IllegalArgumentException("--page-depth and --member-page-depth must be 2..10,000");
        }
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("--jdbc-url must be a PostgreSQL URL (jdbc:postgresql://...)");
        }
    }
}
