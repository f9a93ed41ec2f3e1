package dev.mailroom.server.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ShutdownSignalException;
import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MailboxProof;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.MailroomApplication;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.TestDataDir;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;

/**
 * Broker permissions confine an application to the mailbox (issue 15), on RabbitMQ, which authorizes a publish by
 * its exchange only. A broker user with exactly the permission the AsyncAPI document gives an application (configure
 * nothing, write only the exchange {@code mailroom.mailbox}, read nothing) gets signed submissions recorded, published
 * by hand and through the Java client; publishing through the default exchange, whatever the routing key (the
 * mailbox, Mailroom's trusted {@code mailroom.dispatching} and {@code mailroom.tracking}), RabbitMQ refuses: the channel
 * is closed with 403 ACCESS_REFUSED. A wrong routing key on the mailbox's exchange is returned, not routed.
 *
 * <p>Runs with {@code MAILROOM_IT_EXTERNAL=true} where {@code rabbitmqctl} administers the RabbitMQ at
 * {@code SPRING_RABBITMQ_HOST}:{@code SPRING_RABBITMQ_PORT} (127.0.0.1:5672 unless set), as in {@code .ci/run}. It
 * makes a vhost and two users of its own and deletes them afterwards. Mailroom (api and operator) runs in this JVM on
 * that vhost, with an H2 database of its own: the test is about the broker.
 */
class MailboxExchangePermissionsIT {
    private static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("MAILROOM_IT_EXTERNAL"));
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String VHOST = "i15-mailbox-exchange-" + SUFFIX;
    /** A vhost as a Mailroom from before the mailbox's exchange left it: the mailbox queue, no exchange. */
    private static final String OLD_VHOST = "i15-mailbox-exchange-old-" + SUFFIX;

    private static final String MAILROOM_USER = "mailroom-mx-" + SUFFIX;
    private static final String MAILROOM_PASSWORD = UUID.randomUUID().toString();
    private static final String APP_USER = "app-mx-" + SUFFIX;
    private static final String APP_PASSWORD = UUID.randomUUID().toString();
    private static final String API_KEY = "mailbox-exchange-it-" + UUID.randomUUID();
    private static final Duration RECORDED_WITHIN = Duration.ofSeconds(30);

    private static final List<String> created = new ArrayList<>();
    private static String host;
    private static int port;
    private static ConfigurableApplicationContext mailroom;
    private static ApiClient api;

    @BeforeAll
    static void startMailroomOnAVhostOfItsOwn() throws Exception {
        assumeTrue(EXTERNAL, "needs RabbitMQ and rabbitmqctl: set MAILROOM_IT_EXTERNAL=true (see .ci/run)");
        host = env("SPRING_RABBITMQ_HOST", "127.0.0.1");
        port = Integer.parseInt(env("SPRING_RABBITMQ_PORT", "5672"));
        rabbitmqctl("add_vhost", VHOST);
        created.add("vhost");
        rabbitmqctl("add_user", MAILROOM_USER, MAILROOM_PASSWORD);
        created.add("mailroom user");
        rabbitmqctl("set_permissions", "-p", VHOST, MAILROOM_USER, ".*", ".*", ".*");
        rabbitmqctl("add_vhost", OLD_VHOST);
        created.add("old vhost");
        rabbitmqctl("set_permissions", "-p", OLD_VHOST, MAILROOM_USER, ".*", ".*", ".*");
        rabbitmqctl("add_user", APP_USER, APP_PASSWORD);
        created.add("app user");
        // Exactly what docs/api/asyncapi.yaml tells an operator to give an application.
        rabbitmqctl("set_permissions", "-p", VHOST, APP_USER, "^$", "^mailroom\\.mailbox$", "^$");

        // Whatever SPRING_* a CI run sets: this Mailroom uses the vhost and user made above, and H2.
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        mailroom = new SpringApplicationBuilder(MailroomApplication.class)
                .environment(environment)
                .run(
                        "--mailroom.roles=api,operator",
                        "--mailroom.data-dir=" + TestDataDir.create(),
                        "--server.port=0",
                        "--spring.rabbitmq.host=" + host,
                        "--spring.rabbitmq.port=" + port,
                        "--spring.rabbitmq.username=" + MAILROOM_USER,
                        "--spring.rabbitmq.password=" + MAILROOM_PASSWORD,
                        "--spring.rabbitmq.virtual-host=" + VHOST,
                        "--mailroom.providers.sandbox.enabled=true",
                        "--mailroom.providers.default=sandbox",
                        "--mailroom.api.bootstrap-key=" + API_KEY);
        api = new ApiClient(
                        ((WebServerApplicationContext) mailroom).getWebServer().getPort())
                .as(API_KEY);
    }

    @AfterAll
    static void stopAndRemoveWhatWasMade() throws Exception {
        if (mailroom != null) {
            mailroom.close();
        }
        if (created.contains("app user")) {
            rabbitmqctl("delete_user", APP_USER);
        }
        if (created.contains("mailroom user")) {
            rabbitmqctl("delete_user", MAILROOM_USER);
        }
        if (created.contains("vhost")) {
            rabbitmqctl("delete_vhost", VHOST);
        }
        if (created.contains("old vhost")) {
            rabbitmqctl("delete_vhost", OLD_VHOST);
        }
    }

    @Test
    void anApplicationAllowedOnlyTheMailboxExchangeGetsItsSignedSubmissionsRecordedOnBothLanes() throws Exception {
        try (Connection connection = connectAs(APP_USER, APP_PASSWORD);
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            UUID prompt = publishSignedSubmission(channel, "mailroom.mailbox", "mailroom.mailbox");
            UUID bulk = publishSignedSubmission(channel, "mailroom.mailbox", "mailroom.mailbox.bulk");
            channel.waitForConfirmsOrDie(10_000);

            awaitRecorded(prompt);
            awaitRecorded(bulk);
            assertThat(channel.isOpen()).isTrue();
        }
    }

    @Test
    void theJavaClientDeliversWithAnApplicationsConfinedUser() throws Exception {
        try (MailroomClient client = MailroomClient.connect(amqpUri(APP_USER, APP_PASSWORD), API_KEY)) {
            UUID id = client.submit(email("client@example.org"));

            awaitRecorded(id);
        }
    }

    @Test
    void theJavaClientPublishesThroughTheDefaultExchangeWhereMailroomHasNoMailboxExchangeYet() throws Exception {
        try (Connection connection = connectAs(MAILROOM_USER, MAILROOM_PASSWORD, OLD_VHOST);
                Channel channel = connection.createChannel()) {
            channel.queueDeclare("mailroom.mailbox", true, false, false, null);
            UUID id;
            try (MailroomClient client =
                    MailroomClient.connect(amqpUri(MAILROOM_USER, MAILROOM_PASSWORD, OLD_VHOST), API_KEY)) {
                id = client.submit(email("old@example.org"));
            }

            GetResponse got = channel.basicGet("mailroom.mailbox", true);
            assertThat(got).as("the submission on the old mailbox").isNotNull();
            assertThat(got.getProps().getMessageId()).isEqualTo(id.toString());
            assertThat(got.getEnvelope().getExchange())
                    .as("published through the default exchange")
                    .isEmpty();
        }
    }

    @Test
    void theDefaultExchangeIsRefusedToTheApplicationWhateverQueueItNames() throws Exception {
        try (Connection connection = connectAs(APP_USER, APP_PASSWORD)) {
            for (String queue : List.of("mailroom.mailbox", "mailroom.dispatching", "mailroom.tracking")) {
                Channel channel = connection.createChannel();
                channel.basicPublish(
                        "",
                        queue,
                        true,
                        properties(UUID.randomUUID().toString()),
                        "{}".getBytes(StandardCharsets.UTF_8));

                assertRefused(channel, "a publish to " + queue + " through the default exchange");
            }
            Channel channel = connection.createChannel();
            channel.basicPublish(
                    "mailroom.settings",
                    "",
                    false,
                    properties(UUID.randomUUID().toString()),
                    "{}".getBytes(StandardCharsets.UTF_8));
            assertRefused(channel, "a publish on Mailroom's settings exchange");
            Channel reader = connection.createChannel();
            Throwable read = catchThrowable(() -> reader.basicGet("mailroom.mailbox", false));
            assertThat(read).as("reading the mailbox").isNotNull();
            assertRefused(reader, "reading the mailbox");
        }
    }

    @Test
    void aWrongRoutingKeyOnTheMailboxExchangeIsReturnedNotRoutedToAnotherQueue() throws Exception {
        try (Connection connection = connectAs(APP_USER, APP_PASSWORD);
                Channel channel = connection.createChannel()) {
            AtomicReference<Return> returned = new AtomicReference<>();
            channel.addReturnListener(returned::set);
            channel.confirmSelect();
            String messageId = UUID.randomUUID().toString();

            channel.basicPublish(
                    "mailroom.mailbox",
                    "mailroom.dispatching",
                    true,
                    properties(messageId),
                    "{}".getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(10_000);

            await().atMost(Duration.ofSeconds(10)).until(() -> returned.get() != null);
            assertThat(returned.get().getReplyCode()).isEqualTo(AMQP.NO_ROUTE);
            assertThat(returned.get().getProperties().getMessageId()).isEqualTo(messageId);
            assertThat(channel.isOpen())
                    .as("a returned message leaves the channel open")
                    .isTrue();
        }
    }

    private static UUID publishSignedSubmission(Channel channel, String exchange, String routingKey)
            throws IOException {
        UUID id = UUID.randomUUID();
        SubmitMessage submission = new SubmitMessage(id, null, Instant.now(), email("ada@example.org"), null, null);
        byte[] body = ContractJson.write(submission);
        Map<String, Object> headers =
                Map.copyOf(MailboxProof.headers(API_KEY, id.toString(), "mailroom.mailbox.submit.v1", body));
        AMQP.BasicProperties props = properties(id.toString())
                .builder()
                .type("mailroom.mailbox.submit.v1")
                .headers(headers)
                .build();
        channel.basicPublish(exchange, routingKey, true, props, body);
        return id;
    }

    private static AMQP.BasicProperties properties(String messageId) {
        return new AMQP.BasicProperties.Builder()
                .messageId(messageId)
                .contentType("application/json")
                .deliveryMode(2)
                .build();
    }

    private static Email email(String to) {
        return new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of(to)),
                null,
                null,
                null,
                "Welcome",
                "Hello",
                null,
                null,
                List.of("mailbox-exchange"),
                null,
                null);
    }

    private static void awaitRecorded(UUID id) {
        await().atMost(RECORDED_WITHIN)
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(api.message(id.toString()))
                        .as("message %s recorded", id)
                        .isNotNull());
    }

    private static void assertRefused(Channel channel, String what) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !channel.isOpen());
        ShutdownSignalException closed = channel.getCloseReason();
        assertThat(closed.getReason()).as(what).isInstanceOf(AMQP.Channel.Close.class);
        AMQP.Channel.Close close = (AMQP.Channel.Close) closed.getReason();
        assertThat(close.getReplyCode()).as(what).isEqualTo(AMQP.ACCESS_REFUSED);
        assertThat(close.getReplyText()).as(what).contains("ACCESS_REFUSED");
    }

    private static Connection connectAs(String user, String password) throws Exception {
        return connectAs(user, password, VHOST);
    }

    private static Connection connectAs(String user, String password, String vhost) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(user);
        factory.setPassword(password);
        factory.setVirtualHost(vhost);
        return factory.newConnection("mailbox-exchange-it");
    }

    private static String amqpUri(String user, String password) {
        return amqpUri(user, password, VHOST);
    }

    private static String amqpUri(String user, String password, String vhost) {
        return "amqp://" + encode(user) + ":" + encode(password) + "@" + host + ":" + port + "/" + encode(vhost);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void rabbitmqctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("rabbitmqctl " + args[0] + " did not finish within 60 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(
                    "rabbitmqctl " + args[0] + " failed (exit " + process.exitValue() + "): " + output);
        }
    }
}
