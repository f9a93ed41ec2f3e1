package dev.mailroom.server.asyncapi;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.sun.net.httpserver.HttpServer;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A program in another language publishes to the mailbox knowing only docs/api/asyncapi.yaml: a Python script
 * (src/test/python/mailbox_publish.py, Debian's python3-amqp) reads the exchange, routing key, type, message-id rule,
 * header names and signing algorithm from the document, signs with an API key this test created, and publishes to the
 * running Mailroom's broker (embedded Qpid, or RabbitMQ when the suite runs there). The email reaches a real SMTP
 * server (GreenMail); a message whose signature does not hold is refused as the document says (dead-lettered with
 * the reason, nothing recorded or sent). The webhook events of the email reach the organization's endpoint as the
 * document's webhook channel describes them (headers, body schema, signature computed from the document's text).
 *
 * <p>Skipped, saying why, where /usr/bin/python3 or its amqp/yaml modules are missing
 * ({@code apt-get install python3-amqp python3-yaml}).
 */
@EndToEndTest
class AsyncApiPythonPublisherTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final AsyncApiDocument DOC = AsyncApiDocument.load();
    private static final Path SCRIPT = DOC.root().resolve("mailroom-server/src/test/python/mailbox_publish.py");

    /** The organization's webhook endpoint: every request, with its headers (names in lower case) and body. */
    private static HttpServer endpoint;

    private static final List<Received> received = new CopyOnWriteArrayList<>();

    record Received(Map<String, String> headers, byte[] body) {
        JsonNode json() {
            return AsyncApiDocument.JSON.readTree(body);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    Environment env;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    GreenMail greenMail;

    /** An organization of this test's own, with a key the test created (send, read, admin); made once. */
    private static TestOrganizations.Organization organization;

    private static String endpointSecret;

    private static String endpointId;

    /**
     * Skips where Debian's python3 or its modules are missing; where {@code MAILROOM_TOOLS_REQUIRED=true} (.ci/run,
     * which installs them) fails instead, so that CI cannot go green without running the non-Java publisher.
     */
    private static void need(boolean present, String message) {
        if ("true".equalsIgnoreCase(System.getenv("MAILROOM_TOOLS_REQUIRED")) && !present) {
            throw new AssertionError("MAILROOM_TOOLS_REQUIRED is set, but: " + message);
        }
        Assumptions.assumeTrue(present, message);
    }

    @BeforeAll
    static void pythonWithAmqpAndYaml() throws Exception {
        need(
                Files.isExecutable(PYTHON),
                "/usr/bin/python3 is missing: the non-Java publisher test needs Debian's python3 with python3-amqp and"
                        + " python3-yaml (apt-get install python3-amqp python3-yaml)");
        Process check = new ProcessBuilder(PYTHON.toString(), "-c", "import amqp, yaml")
                .redirectErrorStream(true)
                .start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        need(
                check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0,
                "/usr/bin/python3 lacks the amqp or yaml module (apt-get install python3-amqp python3-yaml): "
                        + output.strip());

        endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        endpoint.createContext("/hooks", exchange -> {
            Map<String, String> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
            received.add(new Received(headers, exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        endpoint.start();
    }

    /** Disables the endpoint once the class is done, so that the shared Mailroom stops retrying to it. */
    private static ApiClient admin;

    @AfterAll
    static void disableAndStopEndpoint() {
        if (admin != null && endpointId != null) {
            admin.patch("/api/v1/webhook-endpoints/" + endpointId, "{\"enabled\":false}");
        }
        if (endpoint != null) {
            endpoint.stop(0);
        }
    }

    @BeforeEach
    void organizationWithAKeyAndAWebhookEndpoint() {
        if (organization != null) {
            return;
        }
        organization = TestOrganizations.create(port, "asyncapi-", "send", "read", "admin");
        ApiClient.Response created = api().post(
                        "/api/v1/webhook-endpoints",
                        "{\"url\":\"http://127.0.0.1:" + endpoint.getAddress().getPort()
                                + "/hooks\",\"eventTypes\":[\"*\"],\"description\":\"asyncapi test\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        endpointSecret = created.json().path("secret").asString();
        endpointId = created.json().path("endpoint").path("id").asString();
        admin = api();
        awaitOperatorKnowsTheEndpoint();
    }

    @Test
    void anEmailPublishedFromPythonWithOnlyTheDocumentIsSentAndItsWebhookEventsAreAsDocumented() throws Exception {
        for (String channel : List.of("mailbox", "mailboxBulk")) {
            String to = "python-" + channel.toLowerCase() + "@example.org";

            JsonNode published = publish(channel, "--to", to, "--provider", "smtp");

            String id = published.get("messageId").asString();
            assertThat(published.get("routingKey").asString())
                    .isEqualTo(DOC.at("/channels/" + channel + "/address").asString());
            // Through the mailbox's own exchange, the only one an application's broker user may write on.
            assertThat(published.get("exchange").asString()).isEqualTo("mailroom.mailbox");
            JsonNode message = awaitStatus(api(), id, "DISPATCHED");
            assertThat(message.at("/recipients/0/email").asString()).isEqualTo(to);
            MimeMessage sent =
                    await().atMost(Duration.ofSeconds(20)).until(() -> sentWithMailroomId(id), m -> m != null);
            assertThat(sent.getSubject()).isEqualTo("Hello from Python");
            assertThat(sent.getAllRecipients()[0].toString()).isEqualTo(to);

            Received event =
                    await().atMost(Duration.ofSeconds(30)).until(() -> event(id, "email.dispatched"), r -> r != null);
            assertIsTheDocumentsWebhook(event, "/components/schemas/EmailEvent");
            assertThat(event.json().at("/data/recipient").asString()).isEqualTo(to);
            assertThat(event.json().at("/data/memberId").asString()).isEqualTo("python-1");
        }
    }

    @Test
    void aMessageWhoseSignatureDoesNotHoldIsDeadLetteredWithTheReasonAndNothingIsSent() throws Exception {
        JsonNode published = publish("mailbox", "--to", "python-forged@example.org", "--provider", "smtp", "--forge");

        String id = published.get("messageId").asString();
        String reason = awaitDeadLettered(id);
        assertThat(reason)
                .contains(DOC.at("/x-mailroom-proof/signatureHeader").asString())
                .contains("does not match");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM messages WHERE id = ?", Integer.class, java.util.UUID.fromString(id)))
                .as("nothing recorded")
                .isZero();
        assertThat(api().get("/api/v1/messages/" + id).status()).isEqualTo(404);
        assertThat(sentWithMailroomId(id)).as("nothing sent").isNull();
    }

    @Test
    void aScheduledEmailIsCanceledByTheDocumentsCancelMessageFromPython() throws Exception {
        String sendAt = Instant.now().plus(Duration.ofHours(1)).toString();
        String id = publish("mailbox", "--to", "python-later@example.org", "--send-at", sendAt)
                .get("messageId")
                .asString();
        awaitStatus(api(), id, "SCHEDULED");

        JsonNode cancel = publish("mailbox", "--cancel", id);

        assertThat(cancel.get("type").asString()).isEqualTo(MessageTypes.CANCEL_V1);
        assertThat(cancel.get("messageId").asString()).isEqualTo("cancel:" + id);
        awaitStatus(api(), id, "CANCELED");
        Received canceled =
                await().atMost(Duration.ofSeconds(30)).until(() -> event(id, "email.canceled"), r -> r != null);
        assertIsTheDocumentsWebhook(canceled, "/components/schemas/EmailEvent");
    }

    @Test
    void aTestEventPostedToTheEndpointIsTheDocumentsWebhookTest() {
        assertThat(api().post("/api/v1/webhook-endpoints/" + endpointId + "/test", "{}")
                        .status())
                .isEqualTo(202);

        Received test = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> received.stream()
                                .filter(r -> r.json().path("type").asString().equals("webhook.test"))
                                .findFirst()
                                .orElse(null),
                        r -> r != null);

        assertIsTheDocumentsWebhook(test, "/components/schemas/WebhookTestEvent");
        assertThat(test.json().at("/data/endpointId").asString()).isEqualTo(endpointId);
    }

    /** Headers and body validate against the document's schemas, and the signature is what its text says. */
    private void assertIsTheDocumentsWebhook(Received request, String bodySchema) {
        JsonNode headerSchema = DOC.at("/components/schemas/StandardWebhookHeaders");
        Map<String, String> documented = new LinkedHashMap<>();
        headerSchema
                .get("properties")
                .propertyNames()
                .forEach(name -> documented.put(name, request.headers().get(name)));
        assertThat(DOC.errors(
                        "/components/schemas/StandardWebhookHeaders", AsyncApiDocument.JSON.valueToTree(documented)))
                .as("headers %s", request.headers())
                .isEmpty();
        assertThat(DOC.errors(bodySchema, request.json()))
                .as(new String(request.body(), StandardCharsets.UTF_8))
                .isEmpty();
        // Standard Webhooks, as x-mailroom-webhook-signing spells it out.
        JsonNode signing = DOC.at("/x-mailroom-webhook-signing");
        String secret =
                endpointSecret.substring(signing.get("secretPrefix").asString().length());
        String id = request.headers().get(signing.get("idHeader").asString());
        String timestamp = request.headers().get(signing.get("timestampHeader").asString());
        String expected = "v1,"
                + hmacBase64(
                        Base64.getDecoder().decode(secret),
                        (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8),
                        request.body());
        assertThat(Arrays.asList(request.headers()
                        .get(signing.get("signatureHeader").asString())
                        .split(" ")))
                .contains(expected);
        assertThat(Long.parseLong(timestamp))
                .isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(300L));
    }

    /** Runs the Python publisher against this Mailroom's broker with the organization's key; its JSON line. */
    private JsonNode publish(String channel, String... arguments) throws Exception {
        String vhost = env.getProperty("spring.rabbitmq.virtual-host");
        List<String> command = new ArrayList<>(List.of(
                PYTHON.toString(),
                SCRIPT.toString(),
                "--asyncapi",
                DOC.path().toString(),
                "--host",
                env.getProperty("spring.rabbitmq.host", "127.0.0.1"),
                "--port",
                env.getProperty("spring.rabbitmq.port", "5672"),
                "--user",
                env.getProperty("spring.rabbitmq.username", "guest"),
                "--password",
                env.getProperty("spring.rabbitmq.password", "guest"),
                "--vhost",
                vhost == null || vhost.isEmpty() ? "/" : vhost,
                "--api-key",
                organization.key(),
                "--channel",
                channel));
        command.addAll(List.of(arguments));
        Process python = new ProcessBuilder(command).start();
        // Read both streams before waiting: a full pipe would block the script.
        byte[] out = python.getInputStream().readAllBytes();
        String err = new String(python.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).as("the script ends").isTrue();
        String stdout = new String(out, StandardCharsets.UTF_8).strip();
        assertThat(python.exitValue())
                .as("exit code; stdout: %s; stderr: %s", stdout, err)
                .isZero();
        return AsyncApiDocument.JSON.readTree(stdout);
    }

    /**
     * The operator learns which organizations have endpoints within mailroom.accounts.key-recheck: emails are
     * submitted over REST until the endpoint hears of one.
     */
    private void awaitOperatorKnowsTheEndpoint() {
        List<String> probes = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    probes.add(api().submit(ApiClient.email("probe@example.org")));
                    return received.stream()
                            .anyMatch(r -> probes.contains(
                                    r.json().at("/data/messageId").asString()));
                });
    }

    private Received event(String messageId, String type) {
        return received.stream()
                .filter(r -> r.json().at("/data/messageId").asString().equals(messageId))
                .filter(r -> r.json().path("type").asString().equals(type))
                .findFirst()
                .orElse(null);
    }

    private MimeMessage sentWithMailroomId(String id) {
        return Arrays.stream(greenMail.getReceivedMessages())
                .filter(m -> id.equals(header(m, "X-Mailroom-Id")))
                .findFirst()
                .orElse(null);
    }

    private String awaitDeadLettered(String messageId) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM dead_letters WHERE message_id = ? AND queue = ?",
                                Integer.class,
                                messageId,
                                DOC.at("/channels/mailbox/address").asString())
                        == 1);
        return jdbc.queryForObject("SELECT reason FROM dead_letters WHERE message_id = ?", String.class, messageId);
    }

    private ApiClient api() {
        return new ApiClient(port).as(organization.key());
    }

    private static String header(MimeMessage message, String name) {
        try {
            return message.getHeader(name, null);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmacBase64(byte[] key, byte[] first, byte[] second) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(first);
            return Base64.getEncoder().encodeToString(mac.doFinal(second));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
