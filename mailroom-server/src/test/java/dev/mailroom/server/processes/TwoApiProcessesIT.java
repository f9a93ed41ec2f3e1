package dev.mailroom.server.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.SignedInClient;
import dev.mailroom.server.support.TestOrganizations;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * What must hold across API processes, as in production: two API processes behind one (imagined) load
 * balancer, one operator and dispatcher process, on RabbitMQ and PostgreSQL.
 *
 * <ul>
 *   <li>Idempotency-Key races: retries of one request sent to both APIs at once are one message and one
 *       send; two bodies sent with one key at once leave one whole message, and afterwards both APIs refuse
 *       the other body.
 *   <li>Accounts: an API process without the operator (its main pool read-only) creates people and keys;
 *       a browser signed in on one process is signed in on the other (sessions in the database, no sticky
 *       sessions); a key revoked on one process stops working on the other within seconds.
 *   <li>Send limits: an organization's limit holds over both APIs together (one count in the database).
 * </ul>
 *
 * <p>Runs only with {@code MAILROOM_IT_EXTERNAL=true} and {@code SPRING_RABBITMQ_*} / {@code
 * SPRING_DATASOURCE_*} naming a running RabbitMQ and PostgreSQL (see {@code .ci/run}); it looks only at the
 * messages it submitted.
 */
class TwoApiProcessesIT {
    private static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("MAILROOM_IT_EXTERNAL"));
    private static final String API_KEY = "two-api-processes-it-" + UUID.randomUUID();
    private static final String PASSWORD = "correct horse battery";
    private static final String SANDBOX_SECRET = "whsec_sandbox_" + UUID.randomUUID();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final List<ChildMailroom> children = new ArrayList<>();
    private static Path workDir;
    private static ChildMailroom api1;
    private static ChildMailroom api2;

    @BeforeAll
    static void startProcesses() throws Exception {
        if (!EXTERNAL) {
            return;
        }
        assertThat(env("SPRING_DATASOURCE_URL")).as("SPRING_DATASOURCE_URL").startsWith("jdbc:postgresql:");
        Path jar = Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar"))
                .toAbsolutePath();
        assertThat(jar).as("the repackaged jar").isRegularFile();
        // Kept after the run for its logs; emptied at the next start.
        workDir = jar.getParent().resolve("two-api-processes-it");
        if (Files.exists(workDir)) {
            try (var paths = Files.walk(workDir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(workDir);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> children.forEach(c -> c.process().destroyForcibly())));

        int api1Port = ChildMailroom.freePort();
        // The operator migrates the schema before the APIs read it.
        ChildMailroom worker = start(
                "operator-dispatcher",
                "operator,dispatcher",
                List.of("--mailroom.public-url=http://127.0.0.1:" + api1Port),
                ChildMailroom.freePort());
        awaitHealthy(worker);
        List<String> keys = List.of(
                "--mailroom.api.bootstrap-key=" + API_KEY,
                "--mailroom.api.platform-key=" + ApiClient.TEST_PLATFORM_KEY);
        api1 = start("api-1", "api,webhooks", keys, api1Port);
        api2 = start("api-2", "api", keys, ChildMailroom.freePort());
        awaitHealthy(api1);
        awaitHealthy(api2);
    }

    @AfterAll
    static void stopProcesses() throws InterruptedException {
        for (ChildMailroom c : children) {
            c.process().destroy();
        }
        for (ChildMailroom c : children) {
            if (!c.process().waitFor(30, TimeUnit.SECONDS)) {
                c.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void retriesOfOneRequestSentToTwoApiProcessesAtOnceAreOneMessageAndOneSend() throws Exception {
        assumeExternal();
        String key = "order-" + UUID.randomUUID();
        String body = email("ada@example.org", "Your order");

        List<Answer> answers = postAtOnce(16, i -> body, key);

        assertThat(answers).extracting(Answer::status).containsOnly(202);
        Set<String> ids = new HashSet<>();
        answers.forEach(a -> ids.add(a.json().get("id").asString()));
        assertThat(ids).hasSize(1);
        UUID id = UUID.fromString(ids.iterator().next());
        try (Connection db = openDatabase()) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> "DELIVERED".equals(status(db, id)));
            assertThat(count(db, "SELECT COUNT(*) FROM messages WHERE id = ?", id))
                    .isEqualTo(1);
            // Every sandbox send has a provider id of its own: one send, one id.
            assertThat(count(
                            db,
                            "SELECT COUNT(DISTINCT provider_message_id) FROM activities WHERE message_id = ?"
                                    + " AND provider_message_id IS NOT NULL",
                            id))
                    .isEqualTo(1);
            assertThat(count(db, "SELECT COUNT(*) FROM activities WHERE message_id = ? AND status = 'QUEUED'", id))
                    .isEqualTo(1);
        }
        // Afterwards either API answers the message as it is now.
        for (ChildMailroom api : List.of(api1, api2)) {
            Answer again = post(api, body, key);
            assertThat(again.status()).isEqualTo(202);
            assertThat(again.json().get("id").asString()).isEqualTo(id.toString());
            assertThat(again.json().get("status").asString()).isEqualTo("DELIVERED");
        }
    }

    @Test
    void twoBodiesSentWithOneKeyToTwoApiProcessesAtOnceLeaveOneWholeMessage() throws Exception {
        assumeExternal();
        String key = "order-" + UUID.randomUUID();
        List<String> bodies = List.of(email("ada@example.org", "For Ada"), email("bob@example.org", "For Bob"));

        List<Answer> answers = postAtOnce(8, i -> bodies.get(i % 2), key);

        // Before the operator recorded either, both are 202 with the key's one id; after, the other is 409.
        assertThat(answers).extracting(Answer::status).containsAnyOf(202).isSubsetOf(202, 409);
        Set<String> ids = new HashSet<>();
        answers.stream()
                .filter(a -> a.status() == 202)
                .forEach(a -> ids.add(a.json().get("id").asString()));
        assertThat(ids).hasSize(1);
        UUID id = UUID.fromString(ids.iterator().next());
        String subject;
        try (Connection db = openDatabase()) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> "DELIVERED".equals(status(db, id)));
            subject = text(db, "SELECT subject FROM messages WHERE id = ?", id);
            String recipients = text(
                    db,
                    "SELECT STRING_AGG(email, ',' ORDER BY position) FROM message_recipients WHERE message_id = ?",
                    id);
            assertThat(subject + " " + recipients).isIn("For Ada ada@example.org", "For Bob bob@example.org");
            assertThat(count(db, "SELECT COUNT(*) FROM activities WHERE message_id = ? AND status = 'QUEUED'", id))
                    .isEqualTo(1);
        }
        String lost = bodies.get(subject.equals("For Ada") ? 1 : 0);
        for (ChildMailroom api : List.of(api1, api2)) {
            Answer refused = post(api, lost, key);
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.json().get("errors").get(0).get("field").asString())
                    .isEqualTo("Idempotency-Key");
        }
    }

    // ------------------------------------------------------------------------------------ helpers

    private record Answer(int status, String body) {
        JsonNode json() {
            return ContractJson.mapper().readTree(body);
        }
    }

    private interface BodyOf {
        String body(int i);
    }

    /** Sends {@code n} requests with one key at the same moment, alternating between the two APIs. */
    private static List<Answer> postAtOnce(int n, BodyOf bodies, String key) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Answer>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ChildMailroom api = i % 2 == 0 ? api1 : api2;
                String body = bodies.body(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return post(api, body, key);
                }));
            }
            start.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> f : futures) {
                answers.add(f.get(60, TimeUnit.SECONDS));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Answer post(ChildMailroom api, String body, String key) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/messages"))
                        .header("Authorization", "Bearer " + API_KEY)
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", key)
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    private static String email(String to, String subject) {
        return "{\"from\":{\"email\":\"app@example.com\"},\"to\":[{\"email\":\"" + to + "\"}],\"subject\":\"" + subject
                + "\",\"text\":\"Hello\"}";
    }

    @Test
    void aLimitOf1000AMinuteHoldsOverBothApiProcessesTogether() throws Exception {
        assumeExternal();
        TestOrganizations.Organization org = TestOrganizations.create(api1.port(), "limits-it-", "send");
        ApiClient.Response set =
                new ApiClient(api1.port()).put("/api/v1/organizations/" + org.id() + "/limits", "{\"perMinute\":1000}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        int submissions = 5000;
        String body = email("limited@example.org", "Within the limit");

        List<Long> acceptedAt = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < submissions; i++) {
                ChildMailroom api = i % 2 == 0 ? api1 : api2;
                sent.add(pool.submit(() -> {
                    HttpResponse<String> answer = http.send(
                            HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/messages"))
                                    .header("Authorization", "Bearer " + org.key())
                                    .header("Content-Type", "application/json")
                                    .timeout(Duration.ofSeconds(30))
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 202) {
                        acceptedAt.add(System.nanoTime());
                    } else {
                        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(429);
                        refused.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(acceptedAt.size() + refused.get()).isEqualTo(submissions);
        // In any minute, never more than the limit (1% slack), whatever the machine's speed; and when all
        // 5,000 went within one minute, the limit was used up (the counted window is up to 1 s longer).
        List<Long> sorted = acceptedAt.stream().sorted().toList();
        for (int i = 0; i < sorted.size(); i++) {
            long windowEnd = sorted.get(i) + Duration.ofSeconds(60).toNanos();
            int inWindow = 0;
            for (int j = i; j < sorted.size() && sorted.get(j) < windowEnd; j++) {
                inWindow++;
            }
            assertThat(inWindow)
                    .as("accepted within a minute from the %d-th", i)
                    .isLessThanOrEqualTo(1010);
        }
        if (took.compareTo(Duration.ofSeconds(59)) < 0) {
            assertThat(acceptedAt).as("accepted in %s", took).hasSizeBetween(990, 1010);
        }
        try (Connection db = openDatabase()) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> countOf(db, org.id()) == acceptedAt.size());
        }
    }

    private static long countOf(Connection db, String organization) throws SQLException {
        try (var statement = db.prepareStatement("SELECT COUNT(*) FROM messages WHERE organization_id = ?")) {
            statement.setString(1, organization);
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aBrowserSignedInOnOneApiProcessIsSignedInOnTheOther() {
        assumeExternal();
        String email = "two-apis-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        ApiClient admin = new ApiClient(api1.port()).as(API_KEY);
        ApiClient.Response added = admin.post(
                "/api/v1/users",
                "{\"email\":\"" + email + "\",\"displayName\":\"Two\",\"role\":\"admin\",\"password\":\"" + PASSWORD
                        + "\"}");
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        SignedInClient onFirst = new SignedInClient(api1.port());

        assertThat(onFirst.signIn(email, PASSWORD).status()).isEqualTo(204);

        SignedInClient onSecond = onFirst.onPort(api2.port());
        ApiClient.Response session = onSecond.get("/api/v1/session");
        assertThat(session.status()).as(session.body()).isEqualTo(200);
        assertThat(session.json().path("user").path("email").asString()).isEqualTo(email);
        ApiClient.Response key = onSecond.post("/api/v1/keys", "{\"name\":\"made on api-2\",\"scopes\":[\"read\"]}");
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        assertThat(onSecond.post("/logout", "").status()).isEqualTo(204);
        assertThat(onFirst.get("/api/v1/session").status()).isEqualTo(401);
    }

    @Test
    void aKeyRevokedOnOneApiProcessStopsWorkingOnTheOtherWithinSeconds() {
        assumeExternal();
        ApiClient admin = new ApiClient(api1.port()).as(API_KEY);
        ApiClient.Response created =
                admin.post("/api/v1/keys", "{\"name\":\"revoked across processes\",\"scopes\":[\"read\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        JsonNode key = created.json();
        ApiClient onSecond = new ApiClient(api2.port()).as(key.path("secret").asString());
        assertThat(onSecond.get("/api/v1/messages").status()).isEqualTo(200);

        ApiClient.Response revoked =
                admin.post("/api/v1/keys/" + key.path("key").path("id").asString() + "/revoke", "");
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);

        // mailroom.accounts.key-recheck is 5 s: the other process refuses the key within it (and some slack).
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    ApiClient.Response refused = onSecond.get("/api/v1/messages");
                    assertThat(refused.status()).isEqualTo(401);
                    assertThat(refused.json().path("detail").asString()).contains("was revoked");
                });
    }

    private static void assumeExternal() {
        assumeTrue(
                EXTERNAL,
                "needs RabbitMQ and PostgreSQL: set MAILROOM_IT_EXTERNAL=true and SPRING_RABBITMQ_* /"
                        + " SPRING_DATASOURCE_* (see .ci/run)");
    }

    private static Connection openDatabase() throws SQLException {
        return DriverManager.getConnection(
                env("SPRING_DATASOURCE_URL"), env("SPRING_DATASOURCE_USERNAME"), env("SPRING_DATASOURCE_PASSWORD"));
    }

    private static String status(Connection db, UUID id) throws SQLException {
        return text(db, "SELECT status FROM messages WHERE id = ?", id);
    }

    private static long count(Connection db, String sql, UUID id) throws SQLException {
        return Long.parseLong(text(db, sql, id));
    }

    private static String text(Connection db, String sql, UUID id) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setObject(1, id);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : value;
    }

    private static ChildMailroom start(String name, String roles, List<String> extraArgs, int port) throws IOException {
        List<String> args = new ArrayList<>();
        args.add("--mailroom.roles=" + roles);
        args.add("--mailroom.data-dir=" + workDir.resolve(name + "-data"));
        args.add("--mailroom.providers.sandbox.enabled=true");
        args.add("--mailroom.providers.sandbox.webhook-secret=" + SANDBOX_SECRET);
        args.add("--mailroom.providers.sandbox.event-delay=PT0.05S");
        args.add("--spring.rabbitmq.host=" + envOr("SPRING_RABBITMQ_HOST", "127.0.0.1"));
        args.add("--spring.rabbitmq.port=" + envOr("SPRING_RABBITMQ_PORT", "5672"));
        args.add("--spring.rabbitmq.username=" + envOr("SPRING_RABBITMQ_USERNAME", "guest"));
        args.add("--spring.rabbitmq.password=" + envOr("SPRING_RABBITMQ_PASSWORD", "guest"));
        if (env("SPRING_RABBITMQ_VIRTUAL_HOST") != null) {
            args.add("--spring.rabbitmq.virtual-host=" + env("SPRING_RABBITMQ_VIRTUAL_HOST"));
        }
        args.add("--spring.datasource.url=" + env("SPRING_DATASOURCE_URL"));
        if (env("SPRING_DATASOURCE_USERNAME") != null) {
            args.add("--spring.datasource.username=" + env("SPRING_DATASOURCE_USERNAME"));
        }
        if (env("SPRING_DATASOURCE_PASSWORD") != null) {
            args.add("--spring.datasource.password=" + env("SPRING_DATASOURCE_PASSWORD"));
        }
        args.addAll(extraArgs);
        ChildMailroom child = ChildMailroom.start(
                Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar")), workDir, name, port, args);
        children.add(child);
        return child;
    }

    private static String envOr(String name, String fallback) {
        String value = env(name);
        return value == null ? fallback : value;
    }

    private static void awaitHealthy(ChildMailroom c) throws InterruptedException {
        ChildMailroom.awaitHealthy(List.of(c), START_TIMEOUT);
    }
}
