package dev.mailroom.sdks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The zero-configuration jar (embedded broker and H2, all roles, the sandbox provider) as an OS
 * process on free ports with a known API key: the server a user starts with {@code java -jar}, which
 * the generated clients are meant for. A process rather than a Spring context in this JVM because
 * the server's repackaged jar cannot be a test dependency.
 */
final class MailroomProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> JVM_OPTIONS =
            List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    final String url;
    final String apiKey = "sdks-it-" + UUID.randomUUID();
    private final Process process;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private MailroomProcess(Path workDir, int httpPort, int amqpPort) throws IOException {
        Path jar = Path.of(System.getProperty("mailroom.jar", "../mailroom-server/target/mailroom.jar"))
                .toAbsolutePath()
                .normalize();
        assertThat(jar)
                .as("the server's repackaged jar (./mvnw verify builds it before this module's integration tests)")
                .isRegularFile();
        url = "http://127.0.0.1:" + httpPort;
        log = workDir.resolve("mailroom.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-jar");
        command.add(jar.toString());
        command.add("--server.port=" + httpPort);
        command.add("--mailroom.data-dir=" + workDir.resolve("mailroom-data"));
        command.add("--mailroom.embedded.amqp-port=" + amqpPort);
        command.add("--mailroom.api.bootstrap-key=" + apiKey);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // A CI run on RabbitMQ and PostgreSQL sets SPRING_* / MAILROOM_*: this is the embedded setup.
        builder.environment().keySet().removeIf(k -> k.startsWith("SPRING_") || k.startsWith("MAILROOM_"));
        process = builder.start();
    }

    static MailroomProcess start(Path workDir) throws Exception {
        Files.createDirectories(workDir);
        MailroomProcess mailroom = new MailroomProcess(workDir, freePort(), freePort());
        try {
            mailroom.awaitReady();
        } catch (AssertionError | Exception e) {
            mailroom.printLogTail();
            mailroom.close();
            throw e;
        }
        return mailroom;
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("Mailroom exited with code " + process.exitValue() + " while starting (log: " + log + ")");
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(URI.create(url + "/actuator/health/readiness"))
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        fail("Mailroom not ready within " + START_TIMEOUT + " (log: " + log + ")");
    }

    /** GET with the key; the body as text (for tests that check what a client or an example did). */
    String get(String path) throws IOException, InterruptedException {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url + path))
                                .header("Authorization", "Bearer " + apiKey)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    void printLogTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            System.out.printf("%n----- last lines of %s -----%n", log);
            lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(System.out::println);
        } catch (IOException | RuntimeException e) {
            System.out.println("(cannot read " + log + ": " + e + ")");
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
