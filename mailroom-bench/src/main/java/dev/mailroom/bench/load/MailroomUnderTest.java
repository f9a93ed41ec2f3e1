package dev.mailroom.bench.load;

import dev.mailroom.bench.fake.FakeSendGrid;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Mailroom being measured, wherever it came from, and the fake provider it sends through:
 * where its broker, database, API and webhook sink are, and the processes the benchmark started
 * for it (none when it was already running).
 */
final class MailroomUnderTest implements AutoCloseable {
    private static final String ALL_ROLES = "api,webhooks,operator,dispatcher";

    final BenchOptions.Setup setup;
    final Broker broker;
    final Database database;
    final String apiUrl;
    final String apiKey;
    /** Sent when scraping the processes' metrics; every process the benchmark starts gets it. */
    final String metricsToken;
    /** Null when the Mailroom sends through its sandbox provider. */
    final FakeSendGrid fake;
    final MailroomProcesses processes;
    private boolean closed;

    private MailroomUnderTest(BenchOptions.Setup setup, Broker broker, Database database, String apiUrl, String apiKey,
                              String metricsToken, FakeSendGrid fake, MailroomProcesses processes) {
        this.setup = setup;
        this.broker = broker;
        this.database = database;
        this.apiUrl = apiUrl;
        this.apiKey = apiKey;
        this.metricsToken = metricsToken;
        this.fake = fake;
        this.processes = processes;
    }

    static MailroomUnderTest start(BenchOptions o, Path runDir) throws IOException, InterruptedException, SQLException {
        return o.startsMailroom() ? startOwn(o, runDir) : attach(o);
    }

    private static MailroomUnderTest startOwn(BenchOptions o, Path runDir) throws IOException, InterruptedException, SQLException {
        boolean embedded = o.onEmbeddedInfrastructure();
        Broker broker;
        Database database;
        List<String> infraArgs = new ArrayList<>();
        Map<String, String> env = new HashMap<>();
        if (embedded) {
            broker = Broker.embedded(MailroomProcesses.freePort());
            // AUTO_SERVER lets the benchmark read the timelines while Mailroom holds the file open.
            String url = "jdbc:h2:file:" + runDir.resolve("data").resolve("mailroom").resolve("db").resolve("mailroom").toAbsolutePath()
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;AUTO_SERVER=TRUE";
            database = new Database(url, "sa", "");
            infraArgs.addAll(broker.embeddedArgs());
            infraArgs.add("--spring.datasource.url=" + url);
            infraArgs.add("--spring.datasource.username=sa");
            infraArgs.add("--spring.datasource.password=");
        } else {
            broker = Broker.rabbitMq(o.amqpUri());
            database = new Database(o.jdbcUrl(), o.dbUser(), o.dbPassword());
            ServiceReset.resetDatabase(database);
            ServiceReset.deleteQueues(broker);
            env.put("SPRING_RABBITMQ_HOST", broker.host());
            env.put("SPRING_RABBITMQ_PORT", Integer.toString(broker.port()));
            env.put("SPRING_RABBITMQ_USERNAME", broker.user());
            env.put("SPRING_RABBITMQ_PASSWORD", broker.password());
            env.put("SPRING_RABBITMQ_VIRTUAL_HOST", broker.vhost());
            env.put("SPRING_DATASOURCE_URL", database.url());
            env.put("SPRING_DATASOURCE_USERNAME", database.user());
            env.put("SPRING_DATASOURCE_PASSWORD", database.password());
        }

        List<MailroomProcesses.Plan> first = new ArrayList<>();
        List<MailroomProcesses.Plan> then = new ArrayList<>();
        MailroomProcesses.Plan api;
        if (o.setup() == BenchOptions.Setup.SPLIT) {
            api = new MailroomProcesses.Plan("api", "api,webhooks", List.of());
            // The first operator migrates the schema; the others start once it is there.
            for (int i = 1; i <= o.operators(); i++) {
                (i == 1 ? first : then).add(new MailroomProcesses.Plan("operator-" + i, "operator", List.of()));
            }
            for (int i = 1; i <= o.dispatchers(); i++) {
                then.add(new MailroomProcesses.Plan("dispatcher-" + i, "dispatcher", List.of()));
            }
            then.add(api);
        } else {
            api = new MailroomProcesses.Plan("mailroom", ALL_ROLES, List.of());
            first.add(api);
        }

        FakeSendGrid fake = FakeSendGrid.start(0, fakeOptions(o, api.baseUrl()), o.webhookPosters()).withBatchLinger(o.webhookLinger());
        String apiKey = "bench-" + UUID.randomUUID();
        List<String> args = new ArrayList<>(infraArgs);
        args.add("--mailroom.api.bootstrap-key=" + apiKey);
        // Metrics are closed without a token, and operators and dispatchers have no API key.
        String metricsToken = "bench-metrics-" + UUID.randomUUID();
        args.add("--mailroom.management.metrics-token=" + metricsToken);
        args.add("--mailroom.public-url=" + api.baseUrl());
        args.add("--mailroom.providers.default=sendgrid");
        args.add("--mailroom.providers.sendgrid.api-key=SG.bench");
        args.add("--mailroom.providers.sendgrid.base-url=" + fake.baseUrl());
        args.add("--mailroom.providers.sendgrid.webhook-public-key=" + fake.publicKey());
        args.addAll(o.serverArgs());
        List<String> jvmArgs = new ArrayList<>();
        jvmArgs.add("-Xmx" + o.heap());
        if (embedded) {
            // H2's auto-server (for the benchmark's reads) would otherwise listen on every interface.
            jvmArgs.add("-Dh2.bindAddress=127.0.0.1");
        }
        jvmArgs.addAll(o.jvmArgs());

        MailroomProcesses processes = new MailroomProcesses();
        MailroomUnderTest mailroom = new MailroomUnderTest(o.setup(), broker, database, api.baseUrl(), apiKey, metricsToken, fake,
                processes);
        try {
            processes.startAll(withArgs(first, args), o.jar(), jvmArgs, env, runDir, o.profile());
            processes.startAll(withArgs(then, args), o.jar(), jvmArgs, env, runDir, o.profile());
        } catch (IOException | InterruptedException | RuntimeException e) {
            mailroom.close();
            throw e;
        }
        return mailroom;
    }

    private static List<MailroomProcesses.Plan> withArgs(List<MailroomProcesses.Plan> plans, List<String> args) {
        return plans.stream().map(p -> {
            List<String> all = new ArrayList<>(args);
            all.addAll(p.args());
            return new MailroomProcesses.Plan(p.name(), p.roles(), p.port(), all);
        }).toList();
    }

    private static MailroomUnderTest attach(BenchOptions o) throws IOException {
        Broker broker = Broker.rabbitMq(o.amqpUri());
        try (com.rabbitmq.client.Connection c = broker.connect("mailroom-bench-probe")) {
            Object product = c.getServerProperties().get("product");
            boolean rabbit = product != null && product.toString().toLowerCase().contains("rabbit");
            broker = new Broker(broker.host(), broker.port(), broker.user(), broker.password(), broker.vhost(), rabbit);
        }
        Database database = new Database(o.jdbcUrl(), o.dbUser(), o.dbPassword());
        FakeSendGrid fake = null;
        if (o.provider().equals("sendgrid")) {
            if (o.apiUrl() == null) {
                throw new IllegalArgumentException("the sendgrid fake posts its webhooks to the running Mailroom: give --api-url");
            }
            fake = FakeSendGrid.start(o.fakePort(), fakeOptions(o, o.apiUrl()), o.webhookPosters(), FakeKeys.loadOrCreate(o.fakeKeyFile()))
                    .withBatchLinger(o.webhookLinger());
            System.out.println("The running Mailroom must send through this fake provider:");
            System.out.println("  --mailroom.providers.default=sendgrid --mailroom.providers.sendgrid.api-key=SG.bench");
            System.out.println("  --mailroom.providers.sendgrid.base-url=" + fake.baseUrl());
            System.out.println("  --mailroom.providers.sendgrid.webhook-public-key=" + fake.publicKey());
        }
        return new MailroomUnderTest(BenchOptions.Setup.RUNNING, broker, database, o.apiUrl(), o.apiKey(),
                o.metricsToken() != null ? o.metricsToken() : o.apiKey(), fake, new MailroomProcesses());
    }

    private static FakeSendGrid.Options fakeOptions(BenchOptions o, String mailroomBaseUrl) {
        return new FakeSendGrid.Options(0, 0, 1, o.openRate(), o.clickRate(), 0, false, o.eventDelay(), o.webhookBatch(),
                mailroomBaseUrl + "/webhooks/sendgrid");
    }

    /** Stops the processes the benchmark started (not a Mailroom someone else runs) and the fake. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        processes.close();
        if (fake != null) {
            fake.close();
        }
    }
}
