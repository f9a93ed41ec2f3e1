package dev.mailroom.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one launcher of {@code bench} and {@code faults}: what a process is started with, where it writes, and a failed start. */
class MailroomClusterTest {
    private static final Infrastructure INFRA = Infrastructure.of(
            "amqp://u:p@127.0.0.1:5672/mailroom-faults", "jdbc:postgresql://127.0.0.1:5432/mailroom_faults", "u", "p");

    @Test
    void eachProcessGetsItsRolesPortInfrastructureCommonAndOwnArgumentsInThatOrder(@TempDir Path workDir) {
        try (MailroomCluster cluster = new MailroomCluster(
                Path.of("mailroom.jar"), workDir, INFRA, List.of("-Xmx64m"), List.of("--common=1"))) {
            MailroomProcess operator = cluster.add("operator-1", "operator", 18080, List.of("--own=2"));
            MailroomProcess dispatcher = cluster.add("dispatcher-1", "dispatcher", List.of());

            List<String> command = operator.command();
            assertThat(command.subList(1, 4))
                    .containsExactly(
                            "-Xmx64m",
                            "-jar",
                            Path.of("mailroom.jar").toAbsolutePath().toString());
            assertThat(command)
                    .containsSubsequence(
                            "--server.port=18080",
                            "--server.address=127.0.0.1",
                            "--mailroom.roles=operator",
                            "--mailroom.data-dir=" + workDir.resolve("data").resolve("operator-1"),
                            "--spring.rabbitmq.virtual-host=mailroom-faults",
                            "--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/mailroom_faults",
                            "--common=1",
                            "--own=2");
            assertThat(operator.log()).isEqualTo(workDir.resolve("logs").resolve("operator-1.log"));
            assertThat(dispatcher.command())
                    .noneMatch(a -> a.startsWith("--spring.datasource"))
                    .contains("--common=1");
            assertThat(dispatcher.port()).isPositive().isNotEqualTo(18080);
            assertThat(cluster.withRole("dispatcher")).containsExactly(dispatcher);
        }
    }

    @Test
    void aClustersNodesAreGivenAsOneAddressListAndAProcessMayHaveItsOwnOrder(@TempDir Path workDir) {
        Broker nodes = new Broker(
                "10.0.0.1", 5672, "u", "p", "v", true, List.of("10.0.0.1:5672", "10.0.0.2:5672", "10.0.0.3:5672"));
        Infrastructure infra = new Infrastructure(nodes, INFRA.database());
        try (MailroomCluster cluster =
                new MailroomCluster(Path.of("mailroom.jar"), workDir, infra, List.of(), List.of())) {
            MailroomProcess inOrder = cluster.add("operator-1", "operator", List.of());
            MailroomProcess own = cluster.add(
                    "dispatcher-1",
                    "dispatcher",
                    List.of(Broker.addressesArg(List.of("10.0.0.2:5672", "10.0.0.3:5672", "10.0.0.1:5672"))));

            assertThat(inOrder.command())
                    .contains("--spring.rabbitmq.addresses=10.0.0.1:5672,10.0.0.2:5672,10.0.0.3:5672")
                    .noneMatch(a -> a.startsWith("--spring.rabbitmq.host") || a.startsWith("--spring.rabbitmq.port"));
            // Spring would join two values of one property into one list: the process's own order is the only one.
            assertThat(own.command().stream().filter(a -> a.startsWith("--spring.rabbitmq.addresses=")))
                    .containsExactly("--spring.rabbitmq.addresses=10.0.0.2:5672,10.0.0.3:5672,10.0.0.1:5672");
            assertThat(nodes.uri()).isEqualTo("amqp://u:p@10.0.0.1:5672/v?heartbeat=5&connection_timeout=5000");
            assertThat(inOrder.command())
                    .contains(
                            "--spring.rabbitmq.requested-heartbeat=5s", "--spring.rabbitmq.connection-timeout=5000ms");
        }
    }

    @Test
    void twoProcessesCannotShareAName(@TempDir Path workDir) {
        try (MailroomCluster cluster =
                new MailroomCluster(Path.of("mailroom.jar"), workDir, INFRA, List.of(), List.of())) {
            cluster.add("operator-1", "operator", List.of());

            assertThatThrownBy(() -> cluster.add("operator-1", "operator", List.of()))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aProcessThatExitsWhileStartingFailsTheStartWithTheEndOfItsLog(@TempDir Path workDir) throws Exception {
        Path noJar = workDir.resolve("no-such-mailroom.jar");
        try (MailroomCluster cluster = new MailroomCluster(noJar, workDir, INFRA, List.of(), List.of())) {
            MailroomProcess api = cluster.add("api", "api,webhooks", List.of());

            assertThatThrownBy(() -> cluster.startAll(Duration.ofSeconds(60)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("api exited with code")
                    .hasMessageContaining("no-such-mailroom.jar");
            assertThat(api.starts()).isEqualTo(1);
            assertThat(cluster.exited()).containsExactly(api);
            assertThat(Files.readString(api.log())).contains("mailroom-bench: start #1 of api");
            // Already started once: a second startAll leaves it alone rather than starting it again.
            assertThat(cluster.startAll(Duration.ofSeconds(1))).isEmpty();
            assertThat(api.starts()).isEqualTo(1);
        }
    }
}
