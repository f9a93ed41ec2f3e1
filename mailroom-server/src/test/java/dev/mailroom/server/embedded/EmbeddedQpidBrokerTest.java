package dev.mailroom.server.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import dev.mailroom.server.support.SameOnAnyInfrastructure;
import dev.mailroom.server.support.TestDataDir;
import dev.mailroom.server.support.TestSockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The embedded broker on its own: a disk store, its own credentials, a start that fails loudly. */
@SameOnAnyInfrastructure
class EmbeddedQpidBrokerTest {
    private static final String USER = "mailroom";
    private static final String PASSWORD = "s3cret-of-this-installation";

    @Test
    void persistentMessagesOnADurableQueueAreStillThereAfterTheBrokerRestartsOnTheSameStore() throws Exception {
        Path workDir = TestDataDir.create().resolve("broker");
        int port = TestSockets.freePort();
        try (EmbeddedQpidBroker broker = new EmbeddedQpidBroker(workDir, port, USER, PASSWORD);
                Connection connection = TestSockets.amqp(port, USER, PASSWORD, "embedded-broker-test")) {
            Channel channel = connection.createChannel();
            channel.queueDeclare("kept", true, false, false, null);
            channel.confirmSelect();
            AMQP.BasicProperties persistent =
                    new AMQP.BasicProperties.Builder().deliveryMode(2).build();
            for (int i = 0; i < 50; i++) {
                channel.basicPublish("", "kept", true, persistent, ("message " + i).getBytes(StandardCharsets.UTF_8));
            }
            channel.waitForConfirmsOrDie(10_000);
        }

        int restartPort = TestSockets.freePort();
        try (EmbeddedQpidBroker broker = new EmbeddedQpidBroker(workDir, restartPort, USER, PASSWORD);
                Connection connection = TestSockets.amqp(restartPort, USER, PASSWORD, "embedded-broker-test")) {
            Channel channel = connection.createChannel();
            List<String> bodies = new ArrayList<>();
            for (GetResponse r = channel.basicGet("kept", true); r != null; r = channel.basicGet("kept", true)) {
                bodies.add(new String(r.getBody(), StandardCharsets.UTF_8));
            }
            assertThat(bodies).hasSize(50).startsWith("message 0").endsWith("message 49");
        }
    }

    @Test
    void aConnectionWithOtherCredentialsIsRefused() throws Exception {
        int port = TestSockets.freePort();
        try (EmbeddedQpidBroker broker =
                new EmbeddedQpidBroker(TestDataDir.create().resolve("broker"), port, USER, PASSWORD)) {
            assertThatThrownBy(() -> TestSockets.amqp(port, "guest", "guest", "embedded-broker-test"))
                    .isInstanceOf(PossibleAuthenticationFailureException.class);
            assertThatThrownBy(() -> TestSockets.amqp(port, USER, "guest", "embedded-broker-test"))
                    .isInstanceOf(PossibleAuthenticationFailureException.class);
            assertThatThrownBy(() -> TestSockets.amqp(port, USER, PASSWORD + "x", "embedded-broker-test"))
                    .isInstanceOf(PossibleAuthenticationFailureException.class);
            try (Connection ok = TestSockets.amqp(port, USER, PASSWORD, "embedded-broker-test")) {
                assertThat(ok.isOpen()).isTrue();
            }
        }
    }

    @Test
    void aTakenPortStopsTheStartWithAnErrorNamingThePortAndThePropertyToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(
                            () -> new EmbeddedQpidBroker(TestDataDir.create().resolve("broker"), port, USER, PASSWORD))
                    .isInstanceOf(EmbeddedQpidBroker.EmbeddedBrokerStartException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("in use")
                    .hasMessageContaining("mailroom.embedded.amqp-port");
        }
    }

    @Test
    void theStoreAndTheConfigurationHoldingThePasswordAreReadableByTheOwnerOnly() throws Exception {
        Path workDir = TestDataDir.create().resolve("broker");
        try (EmbeddedQpidBroker broker = new EmbeddedQpidBroker(workDir, TestSockets.freePort(), USER, PASSWORD)) {
            assertThat(Files.readString(workDir.resolve("broker-config.json"))).contains(PASSWORD);
            List<String> notPrivate = new ArrayList<>();
            try (Stream<Path> paths = Files.walk(workDir)) {
                paths.forEach(p -> {
                    String mode = permissions(p);
                    String expected = Files.isDirectory(p) ? "rwx------" : "rw-------";
                    if (!mode.equals(expected)) {
                        notPrivate.add(workDir.relativize(p) + " " + mode);
                    }
                });
            }
            assertThat(notPrivate).isEmpty();
            assertThat(workDir.resolve("store")).isDirectory();
        }
    }

    private static String permissions(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (IOException e) {
            return "gone";
        }
    }
}
