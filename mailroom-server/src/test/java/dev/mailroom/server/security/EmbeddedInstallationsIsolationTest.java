package dev.mailroom.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import dev.mailroom.server.MailroomApplication;
import dev.mailroom.server.support.SameOnAnyInfrastructure;
import dev.mailroom.server.support.TestDataDir;
import dev.mailroom.server.support.TestSockets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;

/**
 * Two Mailrooms on one machine, each with its embedded broker: the second cannot take the
 * first's port and must not go on with the first's broker; nobody but an installation's own
 * processes can connect to its broker; its data directory is closed to other users.
 */
@SameOnAnyInfrastructure
class EmbeddedInstallationsIsolationTest {
    private final List<ConfigurableApplicationContext> running = new ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void aSecondMailroomOnTheSameBrokerPortStopsItsStartNamingThePortInsteadOfUsingTheFirstOnesBroker()
            throws Exception {
        int amqpPort = TestSockets.freePort();
        Path first = TestDataDir.create();
        Path second = TestDataDir.create();
        running.add(start(first, amqpPort, "operator"));

        Throwable failure = catchThrowable(() -> running.add(start(second, amqpPort, "dispatcher")));
        assertThat(failure).as("the second start").isNotNull();
        assertThat(messages(failure))
                .as("the messages of %s and its causes", failure)
                .anySatisfy(message -> assertThat(message)
                        .contains("127.0.0.1:" + amqpPort)
                        .contains("in use")
                        .contains("mailroom.embedded.amqp-port"));

        // The first one's broker knows only the first installation's credentials.
        String firstPassword = password(first);
        String secondPassword = password(second);
        assertThat(firstPassword)
                .isNotEqualTo(secondPassword)
                .isNotEqualTo("guest")
                .hasSizeGreaterThanOrEqualTo(32);
        assertThatThrownBy(() -> TestSockets.amqp(amqpPort, "guest", "guest", "isolation-test"))
                .isInstanceOf(PossibleAuthenticationFailureException.class);
        assertThatThrownBy(() -> TestSockets.amqp(amqpPort, "mailroom", secondPassword, "isolation-test"))
                .isInstanceOf(PossibleAuthenticationFailureException.class);
        try (Connection own = TestSockets.amqp(amqpPort, "mailroom", firstPassword, "isolation-test")) {
            assertThat(own.isOpen()).isTrue();
        }
    }

    @Test
    void theDataDirectoryAndEveryFileInItAreReadableByTheOwnerOnly() throws Exception {
        Path dataDir = TestDataDir.create().resolve("fresh");
        running.add(start(dataDir, TestSockets.freePort(), "operator"));

        List<String> notPrivate = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.forEach(p -> {
                String mode = permissions(p);
                if (!mode.equals(Files.isDirectory(p) ? "rwx------" : "rw-------") && !mode.equals("gone")) {
                    notPrivate.add(dataDir.relativize(p) + " " + mode);
                }
            });
        }
        assertThat(notPrivate).as("files and directories others could read").isEmpty();
        assertThat(dataDir.resolve("broker/amqp-password")).isRegularFile();
        assertThat(dataDir.resolve("db"))
                .isDirectoryContaining(p -> p.getFileName().toString().endsWith(".mv.db"));
        assertThat(dataDir.resolve("broker/store")).isDirectory();
    }

    private static ConfigurableApplicationContext start(Path dataDir, int amqpPort, String roles) {
        // The embedded broker is the point: SPRING_RABBITMQ_* / SPRING_DATASOURCE_* of a CI run
        // on RabbitMQ and PostgreSQL must not reach these applications.
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        return new SpringApplicationBuilder(MailroomApplication.class)
                .environment(environment)
                .run(
                        "--mailroom.roles=" + roles,
                        "--mailroom.data-dir=" + dataDir,
                        "--mailroom.embedded.amqp-port=" + amqpPort,
                        "--server.port=0");
    }

    private static List<String> messages(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null && messages.size() < 20; t = t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }

    private static String password(Path dataDir) throws IOException {
        return Files.readString(dataDir.resolve("broker/amqp-password")).strip();
    }

    private static String permissions(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (IOException e) {
            return "gone";
        }
    }
}
