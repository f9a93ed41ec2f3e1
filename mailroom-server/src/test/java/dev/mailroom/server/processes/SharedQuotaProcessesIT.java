package dev.mailroom.server.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mailroom.dispatcher.rate-limits.postmark=50} holds for the installation, not per process:
 * three dispatcher processes (with an operator and an API process, the real jar, on RabbitMQ and
 * PostgreSQL) send 1,000 emails to a fake Postmark that counts the sends of each wall-clock second.
 * No second sees more than 55 (50 ± 10%), and every email ends DISPATCHED, none FAILED.
 *
 * <p>Runs only with {@code MAILROOM_IT_EXTERNAL=true} and the {@code SPRING_RABBITMQ_*} /
 * {@code SPRING_DATASOURCE_*} environment variables, like {@link SplitRolesProcessIT}.
 */
class SharedQuotaProcessesIT {
    private static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("MAILROOM_IT_EXTERNAL"));
    private static final int MESSAGES = 1_000;
    private static final int LIMIT = 50;
    private static final int DISPATCHERS = 3;
    private static final String API_KEY = "shared-quota-it-" + UUID.randomUUID();
    private static final String METRICS_TOKEN = "shared-quota-metrics-" + UUID.randomUUID();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration DONE_TIMEOUT = Duration.ofSeconds(180);
    private static final List<ChildMailroom> children = new CopyOnWriteArrayList<>();
    private static final List<ChildMailroom> dispatchers = new CopyOnWriteArrayList<>();
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Sends the fake Postmark received, per wall-clock second (epoch seconds). */
    private static final Map<Long, AtomicInteger> perSecond = new ConcurrentSkipListMap<>();
    /** Sends per email, by the mailroom_id in Postmark's Metadata: which email a second send was of. */
    private static final Map<String, AtomicInteger> perEmail = new java.util.concurrent.ConcurrentHashMap<>();

    private static HttpServer fakePostmark;
    private static Path workDir;

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static List<String> rabbitArgs() {
        List<String> args = new ArrayList<>(List.of(
                "--spring.rabbitmq.host=" + env("SPRING_RABBITMQ_HOST", "127.0.0.1"),
                "--spring.rabbitmq.port=" + env("SPRING_RABBITMQ_PORT", "5672"),
                "--spring.rabbitmq.username=" + env("SPRING_RABBITMQ_USERNAME", "guest"),
                "--spring.rabbitmq.password=" + env("SPRING_RABBITMQ_PASSWORD", "guest")));
        if (env("SPRING_RABBITMQ_VIRTUAL_HOST", null) != null) {
            args.add("--spring.rabbitmq.virtual-host=" + env("SPRING_RABBITMQ_VIRTUAL_HOST", null));
        }
        return args;
    }

    private static List<String> databaseArgs() {
        return List.of(
                "--spring.datasource.url=" + env("SPRING_DATASOURCE_URL", null),
                "--spring.datasource.username=" + env("SPRING_DATASOURCE_USERNAME", ""),
                "--spring.datasource.password=" + env("SPRING_DATASOURCE_PASSWORD", ""));
    }

    private static String amqpUri() {
        String uri = "amqp://" + encode(env("SPRING_RABBITMQ_USERNAME", "guest")) + ":"
                + encode(env("SPRING_RABBITMQ_PASSWORD", "guest")) + "@" + env("SPRING_RABBITMQ_HOST", "127.0.0.1")
                + ":" + env("SPRING_RABBITMQ_PORT", "5672");
        String vhost = env("SPRING_RABBITMQ_VIRTUAL_HOST", null);
        return vhost == null ? uri : uri + "/" + encode(vhost);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @BeforeAll
    static void startProcesses() throws Exception {
        if (!EXTERNAL) {
            return;
        }
        assertThat(env("SPRING_DATASOURCE_URL", null))
                .as("SPRING_DATASOURCE_URL")
                .startsWith("jdbc:postgresql:");
        Path jar = Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar"))
                .toAbsolutePath();
        assertThat(jar).as("the repackaged jar").isRegularFile();
        workDir = jar.getParent().resolve("shared-quota-it");
        Files.createDirectories(workDir);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> children.forEach(c -> c.process().destroyForcibly())));

        System.setProperty("sun.net.httpserver.nodelay", "true");
        fakePostmark = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        fakePostmark.setExecutor(Executors.newFixedThreadPool(16));
        fakePostmark.createContext("/email", exchange -> {
            // Counted on arrival, by the wall clock: what the provider's own per-second quota sees.
            perSecond
                    .computeIfAbsent(System.currentTimeMillis() / 1000, s -> new AtomicInteger())
                    .incrementAndGet();
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"mailroom_id\"\\s*:\\s*\"([^\"]+)\"")
                    .matcher(request);
            perEmail.computeIfAbsent(id.find() ? id.group(1) : "(none)", k -> new AtomicInteger())
                    .incrementAndGet();
            byte[] body = ("{\"ErrorCode\":0,\"Message\":\"OK\",\"MessageID\":\"" + UUID.randomUUID() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        fakePostmark.start();
        List<String> postmark = List.of(
                "--mailroom.providers.postmark.server-token=shared-quota-it",
                "--mailroom.providers.postmark.base-url=http://127.0.0.1:"
                        + fakePostmark.getAddress().getPort(),
                "--mailroom.providers.default=postmark",
                "--mailroom.dispatcher.rate-limits.postmark=" + LIMIT,
                "--mailroom.management.metrics-token=" + METRICS_TOKEN);

        ChildMailroom operator = start(jar, "operator", "operator", true, postmark);
        ChildMailroom.awaitHealthy(List.of(operator), START_TIMEOUT);
        List<String> apiArgs = new ArrayList<>(postmark);
        apiArgs.add("--mailroom.api.bootstrap-key=" + API_KEY);
        ChildMailroom api = start(jar, "api", "api,webhooks", true, apiArgs);
        for (int i = 1; i <= DISPATCHERS; i++) {
            dispatchers.add(start(jar, "dispatcher-" + i, "dispatcher", false, postmark));
        }
        List<ChildMailroom> rest = new ArrayList<>(dispatchers);
        rest.add(api);
        ChildMailroom.awaitHealthy(rest, START_TIMEOUT);
        // Each dispatcher counts all three before the run: then each takes a third.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (ChildMailroom d : dispatchers) {
            while (liveDispatchersSeenBy(d) != DISPATCHERS) {
                if (System.nanoTime() > deadline) {
                    fail(d.name() + " sees " + liveDispatchersSeenBy(d) + " live dispatchers, not " + DISPATCHERS
                            + ":\n" + d.tail(30));
                }
                Thread.sleep(200);
            }
        }
    }

    @AfterAll
    static void stopProcesses() throws InterruptedException {
        children.forEach(c -> c.process().destroy());
        for (ChildMailroom c : children) {
            if (!c.process().waitFor(30, TimeUnit.SECONDS)) {
                c.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        children.clear();
        if (fakePostmark != null) {
            fakePostmark.stop(0);
        }
    }

    @Test
    void threeDispatchersWithALimitOfFiftyPerSecondNeverSendMoreThanFiftyFiveInAnySecondAndFailNothing()
            throws Exception {
        assumeTrue(
                EXTERNAL,
                "needs RabbitMQ and PostgreSQL: set MAILROOM_IT_EXTERNAL=true and SPRING_RABBITMQ_* /"
                        + " SPRING_DATASOURCE_* (see .ci/run)");
        List<UUID> ids = new ArrayList<>(MESSAGES);
        long t0 = System.nanoTime();
        try (MailroomClient client = MailroomClient.connect(amqpUri(), API_KEY)) {
            List<CompletableFuture<UUID>> futures = new ArrayList<>(MESSAGES);
            for (int i = 0; i < MESSAGES; i++) {
                // Named, not left to the default: the database may hold a default provider another test set at
                // run time (the settings outlive a test run), which these dispatchers do not have.
                futures.add(client.submitAsync(email(i), null, "postmark"));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            futures.forEach(f -> ids.add(f.join()));
        }
        try (Connection db = DriverManager.getConnection(
                env("SPRING_DATASOURCE_URL", null),
                env("SPRING_DATASOURCE_USERNAME", null),
                env("SPRING_DATASOURCE_PASSWORD", null))) {
            Array idArray = db.createArrayOf("uuid", ids.toArray());
            long deadline = System.nanoTime() + DONE_TIMEOUT.toNanos();
            Map<String, Long> statuses = statusCounts(db, idArray);
            while (statuses.getOrDefault("DISPATCHED", 0L) < MESSAGES && System.nanoTime() < deadline) {
                for (ChildMailroom c : children) {
                    if (!c.process().isAlive()) {
                        fail(c.name() + " exited: " + c.tail(40));
                    }
                }
                Thread.sleep(500);
                statuses = statusCounts(db, idArray);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int max = perSecond.values().stream()
                    .mapToInt(AtomicInteger::get)
                    .max()
                    .orElse(0);
            System.out.printf(
                    "[shared-quota] %d emails in %.1f s; statuses %s; sends per second at the provider %s (max %d)%n",
                    MESSAGES, seconds, statuses, new TreeMap<>(perSecond), max);
            for (ChildMailroom d : dispatchers) {
                System.out.printf("[shared-quota] %s: %s%n", d.name(), quotaMetrics(d));
            }
            assertThat(statuses).as("every email DISPATCHED").containsEntry("DISPATCHED", (long) MESSAGES);
            assertThat(countWithActivity(db, idArray, "FAILED"))
                    .as("emails with a FAILED activity")
                    .isZero();
            Map<String, Integer> sentTwice = new TreeMap<>();
            perEmail.forEach((email, n) -> {
                if (n.get() > 1) {
                    sentTwice.put(email, n.get());
                }
            });
            System.out.printf("[shared-quota] emails sent more than once: %s%n", sentTwice);
            assertThat(perEmail.keySet())
                    .as("every email reached the provider")
                    .containsAll(ids.stream().map(UUID::toString).toList());
            // Found once in four runs on CI (2026-12-06): 1,001 sends for 1,000 emails, each email QUEUED and
            // DISPATCHED once in the database (a dispatch command sent twice within one attempt, or a POST the
            // client did not see answered). Under investigation; until then a second send is named above and
            // bounded here, rather than failing the quota this test is about.
            assertThat(sentTwice.values().stream().mapToInt(n -> n - 1).sum())
                    .as("second sends at the provider (%s)", sentTwice)
                    .isLessThanOrEqualTo(MESSAGES / 100);
            assertThat(max).as("most sends in one wall-clock second").isLessThanOrEqualTo(LIMIT * 11 / 10);
        }
    }

    private static Email email(int i) {
        return new Email(
                Address.of("noreply@example.org"),
                List.of(Recipient.of("quota" + i + "@example.org")),
                null,
                null,
                null,
                "Shared quota #" + i,
                "Hello number " + i + ".",
                null,
                null,
                List.of("shared-quota-it"),
                null,
                null);
    }

    private static ChildMailroom start(Path jar, String name, String roles, boolean database, List<String> extra)
            throws IOException {
        List<String> args = new ArrayList<>();
        args.add("--mailroom.roles=" + roles);
        args.add("--mailroom.data-dir=" + workDir.resolve(name + "-data"));
        args.addAll(rabbitArgs());
        if (database) {
            args.addAll(databaseArgs());
        }
        args.addAll(extra);
        ChildMailroom child = ChildMailroom.start(jar, workDir, name, ChildMailroom.freePort(), args);
        children.add(child);
        return child;
    }

    private static final Pattern LIVE =
            Pattern.compile("(?m)^mailroom_dispatch_dispatchers_live(?:\\{[^}]*\\})? (\\S+)$");

    private static int liveDispatchersSeenBy(ChildMailroom dispatcher) {
        Matcher m = LIVE.matcher(prometheus(dispatcher));
        return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
    }

    private static List<String> quotaMetrics(ChildMailroom dispatcher) {
        return prometheus(dispatcher)
                .lines()
                .filter(l -> l.startsWith("mailroom_dispatch_quota") || l.startsWith("mailroom_dispatch_dispatchers"))
                .toList();
    }

    private static String prometheus(ChildMailroom c) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(c.url() + "/actuator/prometheus"))
                            .header("Authorization", "Bearer " + METRICS_TOKEN)
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static Map<String, Long> statusCounts(Connection db, Array ids) throws SQLException {
        Map<String, Long> counts = new ConcurrentHashMap<>();
        try (PreparedStatement st =
                db.prepareStatement("SELECT status, COUNT(*) FROM messages WHERE id = ANY(?) GROUP BY status")) {
            st.setArray(1, ids);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return counts;
    }

    private static long countWithActivity(Connection db, Array ids, String status) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(
                "SELECT COUNT(DISTINCT message_id) FROM activities WHERE message_id = ANY(?) AND status = ?")) {
            st.setArray(1, ids);
            st.setString(2, status);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
