package dev.mailroom.bench.load;

import dev.mailroom.bench.cluster.Broker;
import dev.mailroom.bench.cluster.Database;
import dev.mailroom.bench.cluster.Infrastructure;
import dev.mailroom.bench.cluster.MailroomCluster;
import dev.mailroom.bench.cluster.MailroomProcess;
import dev.mailroom.bench.fake.FakeSendGrid;
import dev.mailroom.bench.sink.WebhookEndpoints;
import dev.mailroom.bench.sink.WebhookSink;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The Mailroom being measured, wherever it came from, and the fake provider it sends through:
 * where its broker, database, API and webhook sink are, and the processes the benchmark started
 * for it (none when it was already running).
 */
final class MailroomUnderTest implements AutoCloseable {
    private static final String ALL_ROLES = "api,webhooks,operator,dispatcher";
    /** --webhook-endpoint: the notifier delivers to the sink in this JVM, on loopback over http. */
    static final List<String> NOTIFIER_ARGS = List.of(
            "--mailroom.notifier.allow-http=true",
            "--mailroom.notifier.allow-private-addresses=true",
            // The operators see the new endpoints within a second (they look up which organizations have one).
            "--mailroom.accounts.key-recheck=PT1S");
    /** --webhook-endpoint: one request in this many has its signature verified (the sink must answer at once). */
    static final int VERIFY_EVERY = 100;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    final BenchOptions.Setup setup;
    final Infrastructure infrastructure;
    final String apiUrl;
    /** The first organization's key (the bootstrap key of a Mailroom the benchmark starts). */
    final String apiKey;
    /**
     * The keys the load is submitted with, one per organization, used in turn: the bootstrap key alone
     * for one organization.
     */
    final List<String> submitKeys;
    /** Sent when scraping the processes' metrics; every process the benchmark starts gets it. */
    final String metricsToken;
    /** Null when the Mailroom sends through its sandbox provider. */
    final FakeSendGrid fake;
    /** Null when the Mailroom was already running. */
    private final MailroomCluster cluster;
    /** The customer's endpoint (--webhook-endpoint), null otherwise. */
    WebhookSink sink;
    /** Endpoints registered on the sink, one per organization. */
    int endpoints;
    /**
     * The organizations the load is submitted for, when the database holds others' emails too (--keep-database):
     * the run's emails are counted among theirs only. Empty otherwise: the run's sender address tells them apart.
     */
    private List<String> runOrganizations = List.of();

    private boolean closed;

    private MailroomUnderTest(
            BenchOptions.Setup setup,
            Infrastructure infrastructure,
            String apiUrl,
            String apiKey,
            List<String> submitKeys,
            String metricsToken,
            FakeSendGrid fake,
            MailroomCluster cluster) {
        this.setup = setup;
        this.infrastructure = infrastructure;
        this.apiUrl = apiUrl;
        this.apiKey = apiKey;
        this.submitKeys = List.copyOf(submitKeys);
        this.metricsToken = metricsToken;
        this.fake = fake;
        this.cluster = cluster;
    }

    static MailroomUnderTest start(BenchOptions o, Path runDir) throws IOException, InterruptedException, SQLException {
        return o.startsMailroom() ? startOwn(o, runDir) : attach(o);
    }

    Broker broker() {
        return infrastructure.broker();
    }

    Database database() {
        return infrastructure.database();
    }

    /** The emails the run sent from {@code from}, as the benchmark's reads of the database find them. */
    RunEmails runEmails(String from) {
        return new RunEmails(from, runOrganizations);
    }

    /** The processes the benchmark started, in the order they were started (none for a running Mailroom). */
    List<MailroomProcess> processes() {
        return cluster == null ? List.of() : cluster.processes();
    }

    private static MailroomUnderTest startOwn(BenchOptions o, Path runDir)
            throws IOException, InterruptedException, SQLException {
        boolean split = o.setup() == BenchOptions.Setup.SPLIT;
        String apiName = split ? "api" : "mailroom";
        Infrastructure infrastructure;
        if (o.onEmbeddedInfrastructure()) {
            // One process, every role: the database is the H2 file under its data directory.
            infrastructure =
                    Infrastructure.embedded(MailroomCluster.freePort(), MailroomCluster.dataDir(runDir, apiName));
        } else {
            infrastructure = o.infrastructure();
            if (!o.keepDatabase()) {
                ServiceReset.resetDatabase(infrastructure.database());
            }
            ServiceReset.deleteQueues(infrastructure.broker());
        }
        int apiPort = MailroomCluster.freePort();
        String apiUrl = "http://127.0.0.1:" + apiPort;

        FakeSendGrid fake = FakeSendGrid.start(0, fakeOptions(o, apiUrl), o.webhookPosters())
                .withBatchLinger(o.webhookLinger());
        String apiKey = "bench-" + UUID.randomUUID();
        List<String> args = new ArrayList<>();
        args.add("--mailroom.api.bootstrap-key=" + apiKey);
        // Creates the organizations the load is spread over (POST /api/v1/organizations).
        String platformKey = "bench-platform-" + UUID.randomUUID();
        args.add("--mailroom.api.platform-key=" + platformKey);
        // Metrics are closed without a token, and operators and dispatchers have no API key.
        String metricsToken = "bench-metrics-" + UUID.randomUUID();
        args.add("--mailroom.management.metrics-token=" + metricsToken);
        args.add("--mailroom.public-url=" + apiUrl);
        args.add("--mailroom.providers.default=sendgrid");
        args.add("--mailroom.providers.sendgrid.api-key=SG.bench");
        args.add("--mailroom.providers.sendgrid.base-url=" + fake.baseUrl());
        args.add("--mailroom.providers.sendgrid.webhook-public-key=" + fake.publicKey());
        if (o.mode() == BenchOptions.Mode.QUOTA) {
            // Every process gets it; only the dispatchers send.
            args.add(o.quotaServerArg());
        }
        if (o.webhookEndpoint()) {
            args.addAll(NOTIFIER_ARGS);
        }
        args.addAll(o.serverArgs());
        List<String> jvmArgs = new ArrayList<>();
        jvmArgs.add("-Xmx" + o.heap());
        if (infrastructure.isEmbedded()) {
            // H2's auto-server (for the benchmark's reads) would otherwise listen on every interface.
            jvmArgs.add("-Dh2.bindAddress=127.0.0.1");
        }
        jvmArgs.addAll(o.jvmArgs());
        if (o.profile()) {
            jvmArgs.add(FlightRecordings.JVM_OPTION);
        }

        MailroomCluster cluster = new MailroomCluster(o.jar(), runDir, infrastructure, jvmArgs, args);
        MailroomUnderTest mailroom = new MailroomUnderTest(
                o.setup(), infrastructure, apiUrl, apiKey, List.of(apiKey), metricsToken, fake, cluster);
        try {
            if (split) {
                // The first operator migrates the schema; the others start once it is there.
                cluster.add("operator-1", "operator", List.of());
                cluster.startAll(READY_TIMEOUT);
                for (int i = 2; i <= o.operators(); i++) {
                    cluster.add("operator-" + i, "operator", List.of());
                }
                for (int i = 1; i <= o.dispatchers(); i++) {
                    cluster.add("dispatcher-" + i, "dispatcher", List.of());
                }
                if (o.webhookEndpoint()) {
                    for (int i = 1; i <= o.notifiers(); i++) {
                        cluster.add("notifier-" + i, "notifier", List.of());
                    }
                }
                cluster.add(apiName, "api,webhooks", apiPort, List.of());
            } else {
                cluster.add(apiName, o.webhookEndpoint() ? ALL_ROLES + ",notifier" : ALL_ROLES, apiPort, List.of());
            }
            cluster.startAll(READY_TIMEOUT);
            if (o.provisionsOrganizations()) {
                BenchOrganizations provisioning = new BenchOrganizations(apiUrl, platformKey, o.webhookEndpoint());
                if (o.keepDatabase()) {
                    // Ids of this run's own: the kept database has organizations bench-1 … already.
                    provisioning.prefixed("run" + Long.toString(System.currentTimeMillis(), 36));
                }
                List<BenchOrganizations.Organization> organizations = provisioning.create(o.organizations());
                List<String> keys = organizations.stream()
                        .map(BenchOrganizations.Organization::key)
                        .toList();
                mailroom = new MailroomUnderTest(
                        o.setup(), infrastructure, apiUrl, apiKey, keys, metricsToken, fake, cluster);
                if (o.keepDatabase()) {
                    mailroom.runOrganizations = organizations.stream()
                            .map(BenchOrganizations.Organization::id)
                            .toList();
                }
            }
            if (o.webhookEndpoint()) {
                mailroom.registerEndpoints();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            mailroom.close();
            throw e;
        }
        return mailroom;
    }

    /**
     * Starts the sink and registers it, subscribed to {@code *}, for every organization the load is submitted for
     * (each key is its organization's admin key), then gives the operators a moment to notice the endpoints.
     */
    private void registerEndpoints() throws IOException, InterruptedException {
        sink = WebhookSink.startCounting(VERIFY_EVERY);
        for (String key : submitKeys) {
            String name = "org-" + (endpoints + 1);
            WebhookEndpoints.Registered endpoint = WebhookEndpoints.register(apiUrl, key, sink.url(name));
            sink.secret(name, endpoint.secret());
            endpoints++;
        }
        Thread.sleep(2000);
    }

    private static MailroomUnderTest attach(BenchOptions o) throws IOException {
        Infrastructure given = o.infrastructure();
        boolean rabbit;
        try (com.rabbitmq.client.Connection c = given.broker().connect("mailroom-bench-probe")) {
            Object product = c.getServerProperties().get("product");
            rabbit = product != null && product.toString().toLowerCase().contains("rabbit");
        }
        Infrastructure infrastructure = new Infrastructure(given.broker().withRabbitMq(rabbit), given.database());
        FakeSendGrid fake = null;
        if (o.provider().equals("sendgrid")) {
            if (o.apiUrl() == null) {
                throw new IllegalArgumentException(
                        "the sendgrid fake posts its webhooks to the running Mailroom: give --api-url");
            }
            fake = FakeSendGrid.start(
                            o.fakePort(),
                            fakeOptions(o, o.apiUrl()),
                            o.webhookPosters(),
                            FakeKeys.loadOrCreate(o.fakeKeyFile()))
                    .withBatchLinger(o.webhookLinger());
            System.out.println("The running Mailroom must send through this fake provider:");
            System.out.println(
                    "  --mailroom.providers.default=sendgrid --mailroom.providers.sendgrid.api-key=SG.bench");
            System.out.println("  --mailroom.providers.sendgrid.base-url=" + fake.baseUrl());
            System.out.println("  --mailroom.providers.sendgrid.webhook-public-key=" + fake.publicKey());
        }
        return new MailroomUnderTest(
                BenchOptions.Setup.RUNNING,
                infrastructure,
                o.apiUrl(),
                o.apiKey(),
                !o.orgKeys().isEmpty() ? o.orgKeys() : o.apiKey() != null ? List.of(o.apiKey()) : List.of(),
                o.metricsToken() != null ? o.metricsToken() : o.apiKey(),
                fake,
                null);
    }

    private static FakeSendGrid.Options fakeOptions(BenchOptions o, String mailroomBaseUrl) {
        return new FakeSendGrid.Options(
                0,
                0,
                1,
                o.openRate(),
                o.clickRate(),
                0,
                false,
                o.eventDelay(),
                o.webhookBatch(),
                mailroomBaseUrl + "/webhooks/sendgrid");
    }

    /** Stops the processes the benchmark started (not a Mailroom someone else runs) and the fake. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (cluster != null) {
            cluster.close();
        }
        if (sink != null) {
            sink.close();
        }
        if (fake != null) {
            fake.close();
        }
    }
}
