package dev.mailroom.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.security.RawHttp.Answer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jar as a process without the API role (a webhook sink alone) on a separate management port:
 * the port listens on loopback unless told otherwise, and metrics there are still closed — with no
 * API keys in the process and no metrics token set, the answer says which property opens them.
 *
 * <p>A process of its own, not a second application context in the test JVM: a second context
 * there disturbed the shared end-to-end Mailroom's broker connections. It is given no broker (a
 * closed port): nothing tested here needs one, and health then says DOWN, which is an answer too.
 */
class ManagementPortIT {
    static Process mailroom;
    static int port;
    static int managementPort;
    static Path log;

    @BeforeAll
    static void start() throws IOException {
        Path jar = Path.of(System.getProperty("mailroom.jar", "target/mailroom.jar"))
                .toAbsolutePath();
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "management-port-");
        log = dir.resolve("mailroom.log");
        port = freePort();
        managementPort = freePort();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString(),
                "--mailroom.roles=webhooks",
                "--mailroom.data-dir=" + dir.resolve("data"),
                "--server.port=" + port,
                "--management.server.port=" + managementPort,
                "--spring.rabbitmq.host=127.0.0.1",
                "--spring.rabbitmq.port=1",
                "--spring.rabbitmq.connection-timeout=1s"));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("SPRING_") || k.startsWith("MAILROOM_"));
        mailroom = builder.start();
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!mailroom.isAlive()) {
                        throw new IllegalStateException("exited with " + mailroom.exitValue() + "; see " + log);
                    }
                    return listening(port) && listening(managementPort);
                });
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (mailroom != null) {
            mailroom.destroy();
            if (!mailroom.waitFor(30, TimeUnit.SECONDS)) {
                mailroom.destroyForcibly();
            }
        }
    }

    @Test
    void aSeparateManagementPortListensOnLoopbackOnly() throws IOException {
        Answer health = RawHttp.send(managementPort, "GET", "/actuator/health", null);

        assertThat(health.status()).as(health.toString()).isIn(200, 503);
        assertThat(health.json().has("components")).isFalse();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    assertThat(reachable(address, managementPort))
                            .as("management port on " + address)
                            .isFalse();
                    assertThat(reachable(address, port))
                            .as("main port on " + address)
                            .isTrue();
                }
            }
        }
    }

    @Test
    void metricsOnTheManagementPortStillNeedAToken() {
        Answer anonymous = RawHttp.send(managementPort, "GET", "/actuator/prometheus", null);
        Answer guessed =
                RawHttp.send(managementPort, "GET", "/actuator/prometheus", "Bearer some-guess-0123456789abcdef");

        assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
        assertThat(anonymous.isProblem()).isTrue();
        assertThat(anonymous.json().path("detail").asString()).isEqualTo(ProblemEntryPoint.METRICS_CLOSED);
        assertThat(guessed.status()).isEqualTo(401);
    }

    @Test
    void probesStayOnTheMainPortAndTheActuatorIsNotThere() {
        // Without a broker the process is alive but not ready: both answer, without a key.
        assertThat(RawHttp.send(port, "GET", "/livez", null).status()).isEqualTo(200);
        assertThat(RawHttp.send(port, "GET", "/readyz", null).status()).isIn(200, 503);
        assertThat(RawHttp.send(port, "GET", "/actuator/prometheus", null).status())
                .isEqualTo(401);
    }

    @Test
    void aProcessWithoutTheApiHasNoApiRoutes() {
        Answer answer = RawHttp.send(port, "GET", "/api/v1/messages", "Bearer anything-at-all");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.isProblem()).isTrue();
    }

    private static boolean listening(int port) {
        return reachable(InetAddress.getLoopbackAddress(), port);
    }

    private static boolean reachable(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new java.net.InetSocketAddress(address, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
