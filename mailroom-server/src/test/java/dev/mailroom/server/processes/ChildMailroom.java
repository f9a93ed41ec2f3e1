package dev.mailroom.server.processes;

import static org.junit.jupiter.api.Assertions.fail;

import dev.mailroom.contracts.ContractJson;
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

/** A Mailroom started as an OS process of the real jar, as the multi-process tests run them. */
record ChildMailroom(String name, Process process, int port, Path log) {
    /** Small heaps and C1 only: several JVMs share two cores with the broker, the database and Maven. */
    static final List<String> JVM_OPTIONS =
            List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Starts {@code java -jar jar --server.port=port args…} in {@code workDir}, its output in
     * {@code <name>.log} there. The child gets exactly these arguments, not whatever this JVM's
     * environment holds ({@code SPRING_*}, {@code MAILROOM_*}): a dispatcher, in particular, has no database.
     */
    static ChildMailroom start(Path jar, Path workDir, String name, int port, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        command.add("--server.port=" + port);
        command.addAll(args);
        Path log = workDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SPRING_") || k.startsWith("MAILROOM_"));
        return new ChildMailroom(name, builder.start(), port, log);
    }

    /** Waits until every one answers UP on /actuator/health; fails at once when one exits, with its log's end. */
    static void awaitHealthy(List<ChildMailroom> children, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ChildMailroom> pending = new ArrayList<>(children);
        while (!pending.isEmpty()) {
            for (ChildMailroom c : List.copyOf(pending)) {
                if (!c.process().isAlive()) {
                    fail(c.name() + " exited with code " + c.process().exitValue() + " while starting:\n" + c.tail(40));
                }
                if (c.isUp()) {
                    pending.remove(c);
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("not healthy within " + timeout + ": "
                        + pending.stream().map(ChildMailroom::name).toList());
            }
            Thread.sleep(500);
        }
    }

    boolean isUp() {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url() + "/actuator/health"))
                            .timeout(Duration.ofSeconds(5))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    && "UP"
                            .equals(ContractJson.mapper()
                                    .readTree(response.body())
                                    .path("status")
                                    .asString());
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last {@code lines} lines of its log. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
