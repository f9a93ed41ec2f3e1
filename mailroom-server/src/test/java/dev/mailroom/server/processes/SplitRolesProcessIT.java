package dev.mailroom.server.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;
import tools.jackson.databind.JsonNode;

/**
 * The production layout, as separate OS processes of the real jar against RabbitMQ and
 * PostgreSQL: two operator-only processes, two dispatcher-only processes and one
 * {@code api,webhooks} process. 2,000 emails go in through the Java client (AMQP, straight to the
 * mailbox); every one must come out delivered, recorded once, with its whole timeline, no matter
 * which operator or dispatcher handled which part of it.
 *
 * <p>Runs only with {@code MAILROOM_IT_EXTERNAL=true} and the {@code SPRING_RABBITMQ_*} /
 * {@code SPRING_DATASOURCE_*} environment variables naming a running RabbitMQ and PostgreSQL
 * (see {@code .ci/run}). It does not assume an empty database: it only looks at the ids it
 * submitted.
 */
class SplitRolesProcessIT {
    private static final String SANDBOX_SECRET = "whsec_sandbox_" + java.util.UUID.randomUUID();
    private static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("MAILROOM_IT_EXTERNAL"));
    private static final int MESSAGES = 2_000;
    private static final int CLICK_EVERY = 100;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SUBMIT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> DELIVERED_OR_LATER = List.of("DELIVERED", "OPENED", "CLICKED");
    private static final List<String> PIPELINE = List.of("ACCEPTED", "QUEUED", "DISPATCHED", "DELIVERED");
    private static final String API_KEY = "split-roles-it-" + UUID.randomUUID();
    private static final List<ChildMailroom> children = new CopyOnWriteArrayList<>();
    private static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static External external;
    private static Path workDir;
    private static ChildMailroom api;

    @RegisterExtension
    static final LogTailsOnFailure logTails = new LogTailsOnFailure();

    /** Where RabbitMQ and PostgreSQL are, from the same variables Spring Boot reads. */
    private record External(
            String rabbitHost,
            int rabbitPort,
            String rabbitUser,
            String rabbitPassword,
            String rabbitVhost,
            String jdbcUrl,
            String dbUser,
            String dbPassword) {
        static External fromEnvironment() {
            return new External(
                    env("SPRING_RABBITMQ_HOST", "127.0.0.1"),
                    Integer.parseInt(env("SPRING_RABBITMQ_PORT", "5672")),
                    env("SPRING_RABBITMQ_USERNAME", "guest"),
                    env("SPRING_RABBITMQ_PASSWORD", "guest"),
                    env("SPRING_RABBITMQ_VIRTUAL_HOST", null),
                    env("SPRING_DATASOURCE_URL", null),
                    env("SPRING_DATASOURCE_USERNAME", null),
                    env("SPRING_DATASOURCE_PASSWORD", null));
        }

        String amqpUri() {
            // No path at all means the default vhost "/"; "amqp://host/" would mean the vhost "".
            String uri =
                    "amqp://" + encode(rabbitUser) + ":" + encode(rabbitPassword) + "@" + rabbitHost + ":" + rabbitPort;
            return rabbitVhost == null ? uri : uri + "/" + encode(rabbitVhost);
        }

        List<String> rabbitArgs() {
            List<String> args = new ArrayList<>(List.of(
                    "--spring.rabbitmq.host=" + rabbitHost,
                    "--spring.rabbitmq.port=" + rabbitPort,
                    "--spring.rabbitmq.username=" + rabbitUser,
                    "--spring.rabbitmq.password=" + rabbitPassword));
            if (rabbitVhost != null) {
                args.add("--spring.rabbitmq.virtual-host=" + rabbitVhost);
            }
            return args;
        }

        List<String> databaseArgs() {
            List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + jdbcUrl));
            if (dbUser != null) {
                args.add("--spring.datasource.username=" + dbUser);
            }
            if (dbPassword != null) {
                args.add("--spring.datasource.password=" + dbPassword);
            }
            return args;
        }

        Connection openDatabase() throws SQLException {
            return DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value;
        }

        private static String encode(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8);
        }
    }

    @BeforeAll
    static void startProcesses() throws Exception {
        if (!EXTERNAL) {
            return; // the test itself reports the skip, so that it shows as skipped, with the reason
        }
        external = External.fromEnvironment();
        assertThat(external.jdbcUrl()).as("SPRING_DATASOURCE_URL").isNotNull().startsWith("jdbc:postgresql:");

        Path jar = Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar"))
                .toAbsolutePath();
        assertThat(jar)
                .as("the repackaged jar (build it with ./mvnw install -DskipTests)")
                .isRegularFile();
        workDir = jar.getParent().resolve("split-roles-it");
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> children.forEach(c -> c.process().destroyForcibly())));

        long t0 = System.nanoTime();
        // The first operator migrates the schema (Flyway) before anything reads or writes it.
        ChildMailroom operator1 = start(jar, "operator-1", "operator", List.of());
        awaitHealthy(List.of(operator1));
        System.out.printf("[split-roles] operator-1 healthy (schema migrated) after %.1f s%n", seconds(t0));

        int apiPort = ChildMailroom.freePort();
        String apiUrl = "http://127.0.0.1:" + apiPort;
        api = start(jar, "api-webhooks", "api,webhooks", List.of("--mailroom.api.bootstrap-key=" + API_KEY), apiPort);
        ChildMailroom operator2 = start(jar, "operator-2", "operator", List.of());
        ChildMailroom dispatcher1 =
                start(jar, "dispatcher-1", "dispatcher", List.of("--mailroom.public-url=" + apiUrl));
        ChildMailroom dispatcher2 =
                start(jar, "dispatcher-2", "dispatcher", List.of("--mailroom.public-url=" + apiUrl));
        awaitHealthy(List.of(api, operator2, dispatcher1, dispatcher2));
        System.out.printf(
                "[split-roles] all %d processes healthy after %.1f s: %s%n",
                children.size(),
                seconds(t0),
                children.stream()
                        .map(c -> c.name() + "(pid " + c.process().pid() + ", :" + c.port() + ")")
                        .toList());
    }

    @AfterAll
    static void stopProcesses() {
        children.forEach(c -> c.process().destroy());
        for (ChildMailroom c : children) {
            try {
                if (!c.process().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    System.out.printf("[split-roles] %s did not stop within %s; killing it%n", c.name(), STOP_TIMEOUT);
                    c.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                c.process().destroyForcibly();
            }
        }
        children.clear();
    }

    @Test
    void twoThousandEmailsThroughSeparateOperatorDispatcherAndApiProcessesAreEachDeliveredAndRecordedOnce()
            throws Exception {
        assumeTrue(
                EXTERNAL,
                "needs RabbitMQ and PostgreSQL: set MAILROOM_IT_EXTERNAL=true and SPRING_RABBITMQ_* /"
                        + " SPRING_DATASOURCE_* (see .ci/run)");
        List<UUID> ids = new ArrayList<>(MESSAGES);
        long t0 = System.nanoTime();
        try (MailroomClient client = MailroomClient.connect(external.amqpUri(), API_KEY)) {
            List<CompletableFuture<UUID>> futures = new ArrayList<>(MESSAGES);
            for (int i = 0; i < MESSAGES; i++) {
                futures.add(client.submitAsync(email(i), null, null));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                    .get(SUBMIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            futures.forEach(f -> ids.add(f.join()));
        }
        double submitSeconds = seconds(t0);
        assertThat(Set.copyOf(ids)).hasSize(MESSAGES);
        System.out.printf(
                "[split-roles] submitted %d emails over AMQP in %.1f s (%.0f/s)%n",
                MESSAGES, submitSeconds, MESSAGES / submitSeconds);

        try (Connection db = external.openDatabase()) {
            Array idArray = db.createArrayOf("uuid", ids.toArray());

            long delivered = 0;
            long deadline = System.nanoTime() + DELIVERY_TIMEOUT.toNanos();
            long nextReport = 0;
            while (true) {
                delivered = countDelivered(db, idArray);
                if (delivered == MESSAGES || System.nanoTime() > deadline) {
                    break;
                }
                if (System.nanoTime() > nextReport) {
                    System.out.printf("[split-roles] %5.1f s: %s%n", seconds(t0), statusCounts(db, idArray));
                    nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                }
                assertAllAlive();
                Thread.sleep(500);
            }
            double total = seconds(t0);
            System.out.printf(
                    "[split-roles] submitted %d, delivered-or-later %d, after %.1f s (%.0f emails/s end to end); statuses %s%n",
                    MESSAGES, delivered, total, delivered / total, statusCounts(db, idArray));
            assertThat(delivered)
                    .as(
                            "emails at DELIVERED or later within %s (statuses: %s)",
                            DELIVERY_TIMEOUT, statusCounts(db, idArray))
                    .isEqualTo(MESSAGES);

            // Every submitted id is in messages exactly once (id is the key: present = once).
            assertThat(queryLong(db, "SELECT COUNT(*) FROM messages WHERE id = ANY(?)", idArray))
                    .isEqualTo(MESSAGES);
            assertThat(queryLong(
                            db,
                            "SELECT COUNT(*) FROM messages WHERE id = ANY(?) AND status IN ('DELIVERED','OPENED','CLICKED')",
                            idArray))
                    .isEqualTo(MESSAGES);

            // No fact recorded twice: one ACCEPTED, QUEUED, DISPATCHED per message, one DELIVERED... per recipient.
            List<String> duplicates = new ArrayList<>();
            try (PreparedStatement st = db.prepareStatement(
                    "SELECT message_id, status, recipient, COUNT(*) FROM activities"
                            + " WHERE message_id = ANY(?) GROUP BY message_id, status, recipient HAVING COUNT(*) > 1")) {
                st.setArray(1, idArray);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        duplicates.add(
                                rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " x" + rs.getLong(4));
                    }
                }
            }
            assertThat(duplicates).as("activities recorded more than once").isEmpty();

            // Every message has the whole pipeline in its timeline.
            long complete = queryLong(
                    db,
                    "SELECT COUNT(*) FROM (SELECT message_id FROM activities WHERE message_id = ANY(?)"
                            + " AND status IN ('ACCEPTED','QUEUED','DISPATCHED','DELIVERED') GROUP BY message_id"
                            + " HAVING COUNT(DISTINCT status) = 4) complete",
                    idArray);
            assertThat(complete)
                    .as("messages with ACCEPTED, QUEUED, DISPATCHED and DELIVERED activities")
                    .isEqualTo(MESSAGES);
            long activities = queryLong(db, "SELECT COUNT(*) FROM activities WHERE message_id = ANY(?)", idArray);
            long clicked =
                    queryLong(db, "SELECT COUNT(*) FROM messages WHERE id = ANY(?) AND status = 'CLICKED'", idArray);
            System.out.printf(
                    "[split-roles] %d activity rows, no duplicates; %d of %d click+ emails already CLICKED%n",
                    activities, clicked, MESSAGES / CLICK_EVERY);
        }

        // The API process reads the same timeline back.
        UUID sample = ids.get(MESSAGES / 2 + 1);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/messages/" + sample))
                        .header("Authorization", "Bearer " + API_KEY)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("GET /api/v1/messages/%s: %s", sample, response.body())
                .isEqualTo(200);
        JsonNode message = ContractJson.mapper().readTree(response.body());
        List<String> timeline = new ArrayList<>();
        message.get("activities").forEach(a -> timeline.add(a.get("status").asString()));
        System.out.printf(
                "[split-roles] GET /api/v1/messages/%s -> %s %s%n",
                sample, message.get("status").asString(), timeline);
        assertThat(message.get("id").asString()).isEqualTo(sample.toString());
        assertThat(message.get("status").asString()).isIn(DELIVERED_OR_LATER);
        assertThat(timeline).containsAll(PIPELINE).startsWith("ACCEPTED");
        assertThat(timeline.indexOf("DELIVERED"))
                .as("DELIVERED after DISPATCHED in %s", timeline)
                .isGreaterThan(timeline.indexOf("DISPATCHED"));
    }

    private static Email email(int i) {
        String to = i % CLICK_EVERY == 0 ? "click+" + i + "@example.org" : "user" + i + "@example.org";
        return new Email(
                Address.of("noreply@example.org"),
                List.of(Recipient.of(to)),
                null,
                null,
                null,
                "Split roles #" + i,
                "Hello number " + i + ".",
                null,
                null,
                List.of("split-roles-it"),
                Map.of("n", Integer.toString(i)),
                null);
    }

    private static long countDelivered(Connection db, Array ids) throws SQLException {
        return queryLong(
                db,
                "SELECT COUNT(*) FROM messages WHERE id = ANY(?) AND status IN ('DELIVERED','OPENED','CLICKED')",
                ids);
    }

    private static Map<String, Long> statusCounts(Connection db, Array ids) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (PreparedStatement st = db.prepareStatement(
                "SELECT status, COUNT(*) FROM messages WHERE id = ANY(?) GROUP BY status ORDER BY MIN(status_rank)")) {
            st.setArray(1, ids);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        long recorded = counts.values().stream().mapToLong(Long::longValue).sum();
        if (recorded < MESSAGES) {
            counts.put("(not recorded yet)", MESSAGES - recorded);
        }
        return counts;
    }

    private static long queryLong(Connection db, String sql, Array ids) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setArray(1, ids);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    // ---------------------------------------------------------------------------------- processes

    private static ChildMailroom start(Path jar, String name, String roles, List<String> extraArgs) throws IOException {
        return start(jar, name, roles, extraArgs, ChildMailroom.freePort());
    }

    private static ChildMailroom start(Path jar, String name, String roles, List<String> extraArgs, int port)
            throws IOException {
        List<String> args = new ArrayList<>();
        args.add("--mailroom.roles=" + roles);
        args.add("--mailroom.data-dir=" + workDir.resolve(name + "-data"));
        // On RabbitMQ + PostgreSQL the sandbox is off unless enabled; processes with data
        // directories of their own share its webhook secret only by configuration.
        args.add("--mailroom.providers.sandbox.enabled=true");
        args.add("--mailroom.providers.sandbox.webhook-secret=" + SANDBOX_SECRET);
        args.addAll(external.rabbitArgs());
        if (!roles.equals("dispatcher")) {
            args.addAll(external.databaseArgs());
        }
        args.addAll(extraArgs);
        ChildMailroom child = ChildMailroom.start(jar, workDir, name, port, args);
        children.add(child);
        return child;
    }

    private static void awaitHealthy(List<ChildMailroom> waitingFor) throws InterruptedException {
        ChildMailroom.awaitHealthy(waitingFor, START_TIMEOUT);
    }

    private static void assertAllAlive() {
        for (ChildMailroom c : children) {
            if (!c.process().isAlive()) {
                fail(c.name() + " exited with code " + c.process().exitValue() + "; see " + c.log());
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** On any failure (start-up included), prints the last lines of every child's log. */
    static final class LogTailsOnFailure
            implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
        private static final int TAIL_LINES = 60;

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
            printTails(throwable);
            throw throwable;
        }

        @Override
        public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable)
                throws Throwable {
            printTails(throwable);
            throw throwable;
        }

        private static void printTails(Throwable cause) {
            if (cause instanceof TestAbortedException) {
                return;
            }
            for (ChildMailroom c : children) {
                System.out.printf(
                        "%n----- last %d lines of %s (%s, %s) -----%n",
                        TAIL_LINES,
                        c.name(),
                        c.log(),
                        c.process().isAlive()
                                ? "running"
                                : "exited " + c.process().exitValue());
                try {
                    List<String> lines = Files.readAllLines(c.log(), StandardCharsets.UTF_8);
                    lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())
                            .forEach(System.out::println);
                } catch (IOException | RuntimeException e) {
                    System.out.println("(cannot read: " + e + ")");
                }
            }
            System.out.println("----- end of logs -----");
        }
    }
}
