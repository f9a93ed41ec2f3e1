package dev.mailroom.server.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.server.support.SameOnAnyInfrastructure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The zero-configuration jar (embedded broker and H2, all roles) as a real OS process, killed
 * with SIGKILL right after it answered 202 to 300 emails, before it had recorded them all, and
 * started again on the same data directory and ports: every one of the 300 is found and reaches
 * a terminal status. What was in the broker's queues at the kill (emails not yet ACCEPTED,
 * dispatch commands, tracking reports) must come back from its disk store, and what H2 had
 * committed must still be there.
 *
 * <p>Needs nothing installed; runs in {@code ./mvnw verify} (failsafe, after the jar is built).
 */
@SameOnAnyInfrastructure
class EmbeddedKillRestartIT {
    private static final int EMAILS = 300;
    /** If the jar recorded every email before the kill, the kill missed the window: submit again. */
    private static final int MAX_ROUNDS = 3;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration TERMINAL_TIMEOUT = Duration.ofSeconds(90);
    private static final Set<String> TERMINAL = Set.of(
            "DELIVERED", "OPENED", "CLICKED", "BOUNCED", "DROPPED", "COMPLAINED", "UNSUBSCRIBED", "FAILED", "CANCELED");
    /**
     * Mailroom's part done: recorded, queued and handed to the provider. An email the sandbox
     * accepted just before the kill may stay here: the sandbox's own delivery report was still
     * scheduled in the killed process's memory, like an event a provider never sends.
     */
    private static final Set<String> FINISHED = union(TERMINAL, Set.of("DISPATCHED"));

    private static final String API_KEY = "kill-restart-it-" + UUID.randomUUID();
    private static final List<String> CHILD_JVM_OPTIONS =
            List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Path> logs = new ArrayList<>();
    private Process process;
    private long lastDispatched = -1;
    private long dispatchedSince;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyEmailAnswered202IsRecordedAndFinishedAfterAKillDashNineAndARestartOnTheSameDataDirectory()
            throws Exception {
        Path jar = Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar"))
                .toAbsolutePath();
        assertThat(jar)
                .as("the repackaged jar (./mvnw verify builds it before the integration tests)")
                .isRegularFile();
        Path workDir = Files.createTempDirectory(jar.getParent(), "embedded-kill-it-");
        Path dataDir = workDir.resolve("mailroom-data");
        int httpPort = freePort();
        int amqpPort = freePort();
        String baseUrl = "http://127.0.0.1:" + httpPort;
        long t0 = System.nanoTime();
        try {
            Set<String> ids = new LinkedHashSet<>();
            boolean killedInTheWindow = false;
            int rounds = 0;
            for (int round = 1; round <= MAX_ROUNDS && !killedInTheWindow; round++) {
                rounds = round;
                process = start(jar, workDir, dataDir, httpPort, amqpPort, "run-" + round);
                awaitUp(baseUrl);
                System.out.printf("[kill-restart] round %d: up after %.1f s%n", round, seconds(t0));
                List<String> submitted = submit(baseUrl, EMAILS, round);
                process.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful drain
                assertThat(process.waitFor(20, TimeUnit.SECONDS))
                        .as("the killed process is gone")
                        .isTrue();
                ids.addAll(submitted);
                Map<String, Long> atKill = statusesInDatabase(dataDir, submitted);
                long finished = atKill.entrySet().stream()
                        .filter(e -> FINISHED.contains(e.getKey()))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
                System.out.printf(
                        "[kill-restart] round %d: %d answered 202, then kill -9 at %.1f s; recorded in H2 by then: %s%n",
                        round, submitted.size(), seconds(t0), atKill);
                killedInTheWindow = atKill.getOrDefault("(not recorded)", 0L) > 0 || finished < submitted.size();
            }
            assertThat(killedInTheWindow)
                    .as("a kill before all emails were recorded and finished (%d rounds)", MAX_ROUNDS)
                    .isTrue();
            assertThat(ids).as("distinct ids answered").hasSize(EMAILS * rounds);

            process = start(jar, workDir, dataDir, httpPort, amqpPort, "restarted");
            awaitUp(baseUrl);
            System.out.printf("[kill-restart] restarted on the same data directory, up after %.1f s%n", seconds(t0));

            Map<String, String> status = awaitTerminal(baseUrl, ids);
            Map<String, Long> counts = new LinkedHashMap<>();
            status.values().forEach(s -> counts.merge(s, 1L, Long::sum));
            System.out.printf("[kill-restart] after the restart, at %.1f s: %s%n", seconds(t0), counts);
            assertThat(status.entrySet())
                    .as("emails answered 202 and not found, or not finished, after the restart (of %d)", ids.size())
                    .filteredOn(e -> !FINISHED.contains(e.getValue()))
                    .isEmpty();
        } catch (AssertionError | Exception e) {
            printLogTails();
            throw e;
        }
    }

    private List<String> submit(String baseUrl, int count, int round) throws Exception {
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<String>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String body = "{\"from\":{\"email\":\"app@example.com\"},\"to\":[{\"email\":\"user" + round + "-" + i
                    + "@example.org\"}],\"subject\":\"Kill and restart " + i
                    + "\",\"text\":\"Hello\",\"tags\":[\"kill-restart\"]}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/messages"))
                    .header("Authorization", "Bearer " + API_KEY)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            inFlight.acquire();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> inFlight.release())
                    .thenApply(response -> {
                        assertThat(response.statusCode())
                                .as("POST /api/v1/messages: %s", response.body())
                                .isEqualTo(202);
                        return ContractJson.mapper()
                                .readTree(response.body())
                                .get("id")
                                .asString();
                    }));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return answers.stream().map(CompletableFuture::join).toList();
    }

    /** Status per id as the killed process left them in its H2 file (read before the restart). */
    private static Map<String, Long> statusesInDatabase(Path dataDir, List<String> ids) throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        String url = "jdbc:h2:file:" + dataDir.resolve("db").resolve("mailroom").toAbsolutePath()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        try (Connection db = DriverManager.getConnection(url, "sa", "");
                PreparedStatement st = db.prepareStatement("SELECT status FROM messages WHERE id = CAST(? AS UUID)")) {
            for (String id : ids) {
                st.setString(1, id);
                try (ResultSet rs = st.executeQuery()) {
                    counts.merge(rs.next() ? rs.getString(1) : "(not recorded)", 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    private Map<String, String> awaitTerminal(String baseUrl, Set<String> ids) throws Exception {
        Map<String, String> status = new LinkedHashMap<>();
        ids.forEach(id -> status.put(id, "(not found)"));
        long deadline = System.nanoTime() + TERMINAL_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (Map.Entry<String, String> e : status.entrySet()) {
                if (!TERMINAL.contains(e.getValue())) {
                    e.setValue(currentStatus(baseUrl, e.getKey()));
                }
            }
            if (status.values().stream().allMatch(FINISHED::contains) && settled(status)) {
                break;
            }
            if (!process.isAlive()) {
                fail("the restarted Mailroom exited with code " + process.exitValue());
            }
            Thread.sleep(500);
        }
        return status;
    }

    /**
     * Done waiting: every email terminal, or the DISPATCHED ones no longer moving. A sandbox
     * report comes within a second of its dispatch; after the restart's first seconds, an email
     * still DISPATCHED lost its report with the killed process.
     */
    private boolean settled(Map<String, String> status) {
        long dispatched = status.values().stream().filter("DISPATCHED"::equals).count();
        if (dispatched == 0) {
            return true;
        }
        if (dispatched != lastDispatched) {
            lastDispatched = dispatched;
            dispatchedSince = System.nanoTime();
            return false;
        }
        return System.nanoTime() - dispatchedSince > TimeUnit.SECONDS.toNanos(5);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private String currentStatus(String baseUrl, String id) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/messages/" + id))
                        .header("Authorization", "Bearer " + API_KEY)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return "(not found)";
        }
        assertThat(response.statusCode())
                .as("GET /api/v1/messages/%s: %s", id, response.body())
                .isEqualTo(200);
        JsonNode message = ContractJson.mapper().readTree(response.body());
        return message.get("status").asString();
    }

    private Process start(Path jar, Path workDir, Path dataDir, int httpPort, int amqpPort, String name)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(CHILD_JVM_OPTIONS);
        command.add("-jar");
        command.add(jar.toString());
        // The zero-configuration run: no broker and no database configured, all roles. Only
        // where its files and ports are, and a known API key, are set.
        command.add("--server.port=" + httpPort);
        command.add("--mailroom.data-dir=" + dataDir);
        command.add("--mailroom.embedded.amqp-port=" + amqpPort);
        command.add("--mailroom.api.bootstrap-key=" + API_KEY);
        Path log = workDir.resolve(name + ".log");
        logs.add(log);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // A CI run on RabbitMQ and PostgreSQL sets SPRING_RABBITMQ_* / SPRING_DATASOURCE_*: not for this process.
        builder.environment().keySet().removeIf(k -> k.startsWith("SPRING_") || k.startsWith("MAILROOM_"));
        return builder.start();
    }

    private void awaitUp(String baseUrl) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("Mailroom exited with code " + process.exitValue() + " while starting");
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health/readiness"))
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        fail("Mailroom not ready within " + START_TIMEOUT);
    }

    private void printLogTails() {
        for (Path log : logs) {
            System.out.printf("%n----- last lines of %s -----%n", log);
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(System.out::println);
            } catch (IOException | RuntimeException e) {
                System.out.println("(cannot read: " + e + ")");
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
