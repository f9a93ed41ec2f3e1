package dev.mailroom.server.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.MailroomApplication;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.TestDataDir;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * On RabbitMQ, every durable queue Mailroom declares is a quorum queue with an explicit delivery limit and a
 * dead-letter route that reaches a queue (issue 15): nothing is left to a broker default, such as RabbitMQ 4's limit of
 * 20 deliveries after which a queue without a dead-letter route drops the message. The only other queues are the
 * dispatchers' exclusive, auto-delete ones, which hold no mail. Read from the broker itself ({@code rabbitmqctl
 * list_queues … arguments}, {@code list_bindings}), not from Mailroom's declarations.
 *
 * <p>Mailroom (every role) is given {@code spring.rabbitmq.addresses} whose first node does not answer, and the Java
 * client an address list with that dead node too: both reach the live one, and an email goes the whole way through
 * (listeners and the confirmed publisher work on the address list).
 *
 * <p>Runs with {@code MAILROOM_IT_EXTERNAL=true} where {@code rabbitmqctl} administers the RabbitMQ at
 * {@code SPRING_RABBITMQ_HOST}:{@code SPRING_RABBITMQ_PORT}, in a vhost of its own (deleted afterwards), with H2.
 */
class QuorumQueuesEverywhereIT {
    private static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("MAILROOM_IT_EXTERNAL"));
    private static final String VHOST =
            "i15-cluster-quorum-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String API_KEY = "quorum-it-" + UUID.randomUUID();
    private static final String DEAD_LETTER_EXCHANGE = "mailroom.dead-letter";
    private static final String LAST_RESORT = QueueNames.DEAD_LETTERS + ".dlq";
    private static final List<String> WORK_QUEUES = List.of(
            QueueNames.MAILBOX,
            QueueNames.MAILBOX_BULK,
            QueueNames.DISPATCHING,
            QueueNames.DISPATCHING_BULK,
            QueueNames.TRACKING,
            QueueNames.CONTROL,
            QueueNames.NOTIFICATIONS,
            QueueNames.DEAD_LETTERS);

    private static boolean vhostCreated;
    private static String host;
    private static int port;
    private static String user;
    private static String password;
    private static int deadPort;
    private static ConfigurableApplicationContext mailroom;
    private static ApiClient api;

    @BeforeAll
    static void startMailroomOnAnAddressListWhoseFirstNodeIsDown() throws Exception {
        assumeTrue(EXTERNAL, "needs RabbitMQ and rabbitmqctl: set MAILROOM_IT_EXTERNAL=true (see .ci/run)");
        host = env("SPRING_RABBITMQ_HOST", "127.0.0.1");
        port = Integer.parseInt(env("SPRING_RABBITMQ_PORT", "5672"));
        user = env("SPRING_RABBITMQ_USERNAME", "mailroom");
        password = env("SPRING_RABBITMQ_PASSWORD", "mailroom");
        rabbitmqctl("add_vhost", VHOST);
        vhostCreated = true;
        rabbitmqctl("set_permissions", "-p", VHOST, user, ".*", ".*", ".*");
        deadPort = closedPort();

        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        mailroom = new SpringApplicationBuilder(MailroomApplication.class)
                .environment(environment)
                .run(
                        // Every role: every queue, the dispatchers' own included.
                        "--mailroom.data-dir=" + TestDataDir.create(),
                        "--server.port=0",
                        // In order (Spring's default): the dead node is tried first, every time.
                        "--spring.rabbitmq.addresses=127.0.0.1:" + deadPort + "," + host + ":" + port,
                        "--spring.rabbitmq.username=" + user,
                        "--spring.rabbitmq.password=" + password,
                        "--spring.rabbitmq.virtual-host=" + VHOST,
                        "--mailroom.providers.sandbox.enabled=true",
                        "--mailroom.providers.default=sandbox",
                        "--mailroom.api.bootstrap-key=" + API_KEY);
        api = new ApiClient(
                        ((WebServerApplicationContext) mailroom).getWebServer().getPort())
                .as(API_KEY);
    }

    @AfterAll
    static void stopAndRemoveTheVhost() throws Exception {
        if (mailroom != null) {
            mailroom.close();
        }
        if (vhostCreated) {
            rabbitmqctl("delete_vhost", VHOST);
        }
    }

    @Test
    void everyDurableQueueIsQuorumWithAnExplicitDeliveryLimitAndADeadLetterRouteThatReachesAQueue() throws Exception {
        Map<String, JsonNode> queues = queues();
        Set<String> durable = new HashSet<>();
        queues.forEach((name, q) -> {
            if (q.path("durable").asBoolean()) {
                durable.add(name);
            }
        });
        List<String> expected = new ArrayList<>(WORK_QUEUES);
        WORK_QUEUES.forEach(q -> expected.add(q + ".dlq"));
        assertThat(durable).as("the durable queues").containsExactlyInAnyOrderElementsOf(expected);

        Map<String, Set<String>> routes = deadLetterRoutes();
        for (String name : durable) {
            JsonNode q = queues.get(name);
            Map<String, String> arguments = arguments(q.path("arguments"));
            assertThat(q.path("type").asString()).as("%s's type", name).isEqualTo("quorum");
            assertThat(arguments).as("%s's arguments", name).containsKey("x-delivery-limit");
            long limit = Long.parseLong(arguments.get("x-delivery-limit"));
            assertThat(limit).as("%s's delivery limit", name).isPositive();
            if (name.equals(LAST_RESORT)) {
                // The end of every route: no dead-letter route (a route back to itself is a cycle, which RabbitMQ
                // drops), and a limit no consumer reaches.
                assertThat(arguments).as("%s's arguments", name).doesNotContainKey("x-dead-letter-exchange");
                assertThat(limit).as("the last resort's delivery limit").isGreaterThanOrEqualTo(1_000_000);
                continue;
            }
            assertThat(arguments.get("x-dead-letter-exchange"))
                    .as("%s's dead-letter exchange", name)
                    .isEqualTo(DEAD_LETTER_EXCHANGE);
            String key = arguments.get("x-dead-letter-routing-key");
            String target = name.endsWith(".dlq") ? LAST_RESORT : name + ".dlq";
            assertThat(key).as("%s's dead-letter routing key", name).isEqualTo(target);
            assertThat(routes.getOrDefault(key, Set.of()))
                    .as("where %s's dead letters are routed", name)
                    .containsExactly(target);
            assertThat(durable).as("%s's dead-letter queue exists", name).contains(target);
        }
    }

    @Test
    void theOnlyOtherQueuesAreTheDispatchersExclusiveOnes() throws Exception {
        Map<String, JsonNode> queues = queues();
        List<String> others = queues.entrySet().stream()
                .filter(e -> !e.getValue().path("durable").asBoolean())
                .map(Map.Entry::getKey)
                .toList();
        assertThat(others)
                .as("the non-durable queues")
                .isNotEmpty()
                .allMatch(n -> n.startsWith("mailroom.dispatchers.") || n.startsWith("mailroom.settings."));
        for (String name : others) {
            assertThat(queues.get(name).path("exclusive").asBoolean())
                    .as("%s is exclusive", name)
                    .isTrue();
            assertThat(queues.get(name).path("auto_delete").asBoolean())
                    .as("%s is auto-delete", name)
                    .isTrue();
        }
    }

    @Test
    void theJavaClientWithAnAddressListReachesTheLiveNodeAndTheEmailIsDelivered() throws Exception {
        String uri = "amqp://" + encode(user) + ":" + encode(password) + "@127.0.0.1:" + deadPort + "/" + encode(VHOST);
        try (MailroomClient client = MailroomClient.builder()
                .apiKey(API_KEY)
                .amqp(uri)
                .amqpAddresses("127.0.0.1:" + deadPort, host + ":" + port)
                .build()) {
            UUID id = client.submit(new Email(
                    Address.of("app@example.com"),
                    List.of(Recipient.of("ada@example.org")),
                    null,
                    null,
                    null,
                    "Over an address list",
                    "Hello",
                    null,
                    null,
                    List.of("quorum-it"),
                    null,
                    null));

            // DELIVERED: recorded by the operator, dispatched through the confirmed publisher, reported on tracking.
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .untilAsserted(() -> {
                        JsonNode message = api.message(id.toString());
                        assertThat(message).as("message %s recorded", id).isNotNull();
                        assertThat(message.path("status").asString()).isEqualTo("DELIVERED");
                    });
        }
    }

    /** Every queue of the vhost by name, as {@code rabbitmqctl list_queues --formatter json} reports it. */
    private static Map<String, JsonNode> queues() throws Exception {
        JsonNode all = JsonMapper.builder()
                .build()
                .readTree(rabbitmqctl(
                        "list_queues",
                        "-p",
                        VHOST,
                        "name",
                        "durable",
                        "type",
                        "exclusive",
                        "auto_delete",
                        "arguments",
                        "--formatter",
                        "json"));
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode q : all) {
            byName.put(q.path("name").asString(), q);
        }
        return byName;
    }

    /** The dead-letter exchange's bindings: routing key → queues. */
    private static Map<String, Set<String>> deadLetterRoutes() throws Exception {
        JsonNode all = JsonMapper.builder()
                .build()
                .readTree(rabbitmqctl(
                        "list_bindings",
                        "-p",
                        VHOST,
                        "source_name",
                        "destination_name",
                        "destination_kind",
                        "routing_key",
                        "--formatter",
                        "json"));
        Map<String, Set<String>> routes = new LinkedHashMap<>();
        for (JsonNode b : all) {
            if (DEAD_LETTER_EXCHANGE.equals(b.path("source_name").asString())
                    && "queue".equals(b.path("destination_kind").asString())) {
                routes.computeIfAbsent(b.path("routing_key").asString(), k -> new HashSet<>())
                        .add(b.path("destination_name").asString());
            }
        }
        return routes;
    }

    /**
     * A queue's arguments as text: rabbitmqctl writes them as an object, or as a list of {@code [name, value]} or
     * {@code [name, type, value]}, depending on its version.
     */
    static Map<String, String> arguments(JsonNode node) {
        Map<String, String> arguments = new LinkedHashMap<>();
        if (node.isObject()) {
            node.properties().forEach(e -> arguments.put(e.getKey(), text(e.getValue())));
        } else if (node.isArray()) {
            for (JsonNode entry : node) {
                if (entry.isArray() && entry.size() >= 2) {
                    arguments.put(entry.get(0).asString(), text(entry.get(entry.size() - 1)));
                } else if (entry.isObject()) {
                    entry.properties().forEach(e -> arguments.put(e.getKey(), text(e.getValue())));
                }
            }
        }
        return arguments;
    }

    private static String text(JsonNode value) {
        return value.isValueNode() ? value.asString() : value.toString();
    }

    /** A port on loopback where nothing listens (bound, then released). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String rabbitmqctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("rabbitmqctl " + args[0] + " did not finish within 60 s");
        }
        String output = new String(out, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + args[0] + " failed (exit " + process.exitValue() + "): "
                    + output + new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return output;
    }
}
