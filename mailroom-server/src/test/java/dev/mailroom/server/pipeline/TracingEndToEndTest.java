package dev.mailroom.server.pipeline;

import static dev.mailroom.server.support.Timelines.awaitActivity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.ActivityBatch;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.BrokerUri;
import dev.mailroom.server.support.OtlpReceiver;
import dev.mailroom.server.support.OtlpReceiver.ReceivedSpan;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * One trace per email across every hop, exported for real: Mailroom's OTLP exporter sends its spans to a receiver
 * started here, and the email's REST submit, mailbox consume, operator, dispatching publish and consume, provider
 * send and tracking all land in one trace, whose id is the one stored on each of the email's activities; the
 * activities the provider's webhook reports are spans of it too, each linked to the webhook's own trace. And logs a machine can read: Boot's JSON (ECS) format gives a
 * line about an email with its message id, organization, role and trace id.
 */
@dev.mailroom.server.support.EndToEndTest
// A context of its own (it exports to this class's receiver): closed after the class rather than kept in the cache,
// exporting to a receiver nobody reads. The receiver lives as long as the JVM, so the context's last spans still land.
@org.springframework.test.annotation.DirtiesContext
// Only on a broker of its own (the embedded one, the README's test command): on a shared RabbitMQ the other cached test
// contexts' operators and dispatchers take this test's messages too, and their spans go to no receiver, so the trace
// this test reads would have holes that are not Mailroom's. On RabbitMQ it needs a vhost of its own (to do).
@org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable(
        named = "SPRING_RABBITMQ_HOST",
        matches = ".+",
        disabledReason = "a shared broker: other test contexts consume this test's messages")
class TracingEndToEndTest {
    static final OtlpReceiver RECEIVER = new OtlpReceiver();

    @DynamicPropertySource
    static void exportToTheReceiver(DynamicPropertyRegistry registry) {
        registry.add("management.opentelemetry.tracing.export.otlp.endpoint", RECEIVER::tracesUrl);
        // Exported within a fraction of a second rather than every 5 s.
        registry.add("management.opentelemetry.tracing.export.schedule-delay", () -> "200ms");
    }

    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    org.springframework.core.env.Environment env;

    @Test
    void anEmailContinuesTheTraceOfTheApplicationThatSentItOverRestOrTheJavaClient() throws Exception {
        ApiClient api = new ApiClient(port);
        String restTrace = randomHex(32);
        String overRest = api.submit(
                ApiClient.email("rest-trace@example.org"),
                "traceparent",
                "00-" + restTrace + "-" + randomHex(16) + "-01");

        String clientTrace = randomHex(32);
        UUID overAmqp;
        try (MailroomClient client = MailroomClient.builder()
                .amqp(BrokerUri.of(env))
                .apiKey(ApiClient.TEST_KEY)
                .traceParent(() -> "00-" + clientTrace + "-" + randomHex(16) + "-01")
                .build()) {
            overAmqp = client.submit(new Email(
                    Address.of("app@example.com"),
                    List.of(Recipient.of("client-trace@example.org")),
                    null,
                    null,
                    null,
                    "Hi",
                    "x",
                    null,
                    null,
                    null,
                    null,
                    null));
        }

        assertThat(traceIdsOf(awaitActivity(api, overRest, "DELIVERED"))).containsExactly(restTrace);
        assertThat(traceIdsOf(awaitActivity(api, overAmqp.toString(), "DELIVERED")))
                .containsExactly(clientTrace);
    }

    private static Set<String> traceIdsOf(JsonNode message) {
        Set<String> ids = new java.util.HashSet<>();
        message.get("activities").forEach(a -> ids.add(a.path("traceId").asString(null)));
        return ids;
    }

    private static String randomHex(int digits) {
        String hex = UUID.randomUUID().toString().replace("-", "")
                + UUID.randomUUID().toString().replace("-", "");
        return hex.substring(0, digits);
    }

    @Test
    void anEmailIsOneTraceFromTheRestCallToTheProviderToItsWebhookEventsLinkedToTheWebhooksTrace() {
        ApiClient api = new ApiClient(port);
        String id = api.submit(ApiClient.email("trace-" + UUID.randomUUID() + "@example.org"));
        JsonNode message = awaitActivity(api, id, "DELIVERED");

        // Every activity carries the email's trace id, the webhook's DELIVERED too (looked up from the message).
        Set<String> traceIds = traceIdsOf(message);
        assertThat(traceIds).hasSize(1).doesNotContainNull();
        String traceId = traceIds.iterator().next();
        assertThat(traceId).matches("[0-9a-f]{32}");

        // Each hop's span is in that trace (the exporter sends in batches: waited for).
        List<String> expected = List.of(
                QueueNames.MAILBOX + " publish",
                QueueNames.MAILBOX + " process",
                QueueNames.DISPATCHING + " publish",
                QueueNames.DISPATCHING + " process",
                "provider send",
                QueueNames.TRACKING + " publish",
                QueueNames.TRACKING + " process");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    List<ReceivedSpan> trace = RECEIVER.spansOf(traceId);
                    assertThat(trace.stream().map(ReceivedSpan::name).collect(Collectors.toSet()))
                            .as(OtlpReceiver.describe(trace))
                            .containsAll(expected);
                    // The REST submit: the HTTP server span is the trace's root.
                    assertThat(trace).as(OtlpReceiver.describe(trace)).anySatisfy(s -> {
                        assertThat(s.kind()).isEqualTo(OtlpReceiver.SERVER);
                        assertThat(s.parentSpanId()).isEmpty();
                    });
                    // The webhook's DELIVERED is a span of the email's trace, linked to the webhook's own trace (a
                    // provider's call starts one), whose HTTP server span is there.
                    assertThat(trace).as(OtlpReceiver.describe(trace)).anySatisfy(s -> {
                        assertThat(s.name()).isEqualTo(QueueNames.TRACKING + " process");
                        assertThat(s.linkedTraceIds()).isNotEmpty().doesNotContain(traceId);
                        String webhookTrace = s.linkedTraceIds().get(0);
                        assertThat(RECEIVER.spansOf(webhookTrace))
                                .anySatisfy(w -> assertThat(w.kind()).isEqualTo(OtlpReceiver.SERVER));
                    });
                });

        // One tree: every span of the trace but its root has its parent in it, so no hop started a trace of its own.
        List<ReceivedSpan> trace = RECEIVER.spansOf(traceId);
        Set<String> spanIds = trace.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
        assertThat(trace.stream().filter(s -> !s.parentSpanId().isEmpty()))
                .as(OtlpReceiver.describe(trace))
                .allSatisfy(s -> assertThat(spanIds).contains(s.parentSpanId()));
        // The dispatcher's consume is the child of the operator's publish, and so on down the queues.
        assertThat(parentName(trace, QueueNames.DISPATCHING + " process"))
                .isEqualTo(QueueNames.DISPATCHING + " publish");
        assertThat(parentName(trace, QueueNames.MAILBOX + " process")).isEqualTo(QueueNames.MAILBOX + " publish");
        assertThat(parentName(trace, "provider send")).isEqualTo(QueueNames.DISPATCHING + " process");
    }

    @Autowired
    dev.mailroom.server.messaging.MessageTracing tracing;

    @Autowired
    dev.mailroom.server.messaging.ConfirmedPublisher publisher;

    @Test
    void aTrackingMessageAboutManyEmailsContinuesEachEmailsOwnTrace() {
        // As a dispatcher reports a batch: one ActivityBatch for 40 emails, each of its own trace (their contexts
        // together are far over Spring AMQP's 1 KiB long-string limit for one header value).
        Map<UUID, String> traces = new java.util.LinkedHashMap<>();
        List<ActivityReport> reports = new ArrayList<>();
        try (dev.mailroom.server.messaging.MessageTracing.Batch batch = tracing.batch("dispatcher")) {
            for (int i = 0; i < 40; i++) {
                UUID id = UUID.randomUUID();
                String trace = randomHex(32);
                traces.put(id, trace);
                MessageProperties props = new MessageProperties();
                props.setHeader("traceparent", "00-" + trace + "-" + randomHex(16) + "-01");
                batch.consumed(new Message(new byte[0], props), id, id, "default", "test process");
                reports.add(ActivityReport.dispatched(id, 1, "sandbox", "many-" + id, Instant.now(), Map.of()));
            }
            publisher.publishAll(List.of(new ActivityBatch(reports)));
        }

        // The operator's span for each report is in that report's email's trace.
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> traces.forEach((id, trace) -> assertThat(RECEIVER.spansOf(trace))
                        .as("email %s", id)
                        .extracting(ReceivedSpan::name)
                        .contains(QueueNames.TRACKING + " publish", QueueNames.TRACKING + " process")));
    }

    @Test
    void aLogLineAboutAnEmailIsJsonWithItsMessageIdOrganizationRoleAndTraceId() {
        // Boot's JSON (ECS) encoder, as logging.structured.format.console=ecs configures it, on the dispatcher's
        // logger only: the rest of the suite's logs stay as they are.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger logger = context.getLogger("dev.mailroom.server.dispatcher.Dispatcher");
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat("ecs");
        encoder.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        logger.addAppender(appender);
        try {
            // A dispatch command the dispatcher refuses (an unsubscribe URL that would inject a header): logged at
            // WARN while it handles the email.
            UUID id = UUID.randomUUID();
            Email email = new Email(
                    Address.of("app@example.com"),
                    List.of(Recipient.of("json-log@example.org")),
                    null,
                    null,
                    null,
                    "Hi",
                    "x",
                    null,
                    null,
                    null,
                    null,
                    null,
                    true);
            MessageProperties props = new MessageProperties();
            props.setMessageId("json-log-" + id);
            props.setType(MessageTypes.DISPATCH_V1);
            rabbit.send(
                    "",
                    QueueNames.DISPATCHING,
                    new Message(
                            ContractJson.write(new DispatchCommand(
                                    id, "json-org", 1, "sandbox", email, "https://evil.example/u>\r\nBcc: x@y.z")),
                            props));

            JsonNode line = await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(
                            () -> linesOf(out).stream()
                                    .filter(l -> l.path("message").asString("").contains(id.toString()))
                                    .findFirst()
                                    .orElse(null),
                            l -> l != null);
            assertThat(line.path("log.level")
                            .asString(line.path("log").path("level").asString(null)))
                    .isEqualTo("WARN");
            assertThat(field(line, "messageId")).isEqualTo(id.toString());
            assertThat(field(line, "organizationId")).isEqualTo("json-org");
            assertThat(field(line, "role")).isEqualTo("dispatcher");
            assertThat(field(line, "traceId")).matches("[0-9a-f]{32}");
        } finally {
            logger.detachAppender(appender);
            appender.stop();
        }
    }

    /** Each line written so far, parsed: a line that is not JSON fails the test. */
    private static List<JsonNode> linesOf(ByteArrayOutputStream out) {
        List<JsonNode> lines = new ArrayList<>();
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                lines.add(ApiClient.JSON.readTree(l));
            }
        }
        return lines;
    }

    /** A field of the JSON line, at its top level or (as ECS nests dotted names) under its parts. */
    private static String field(JsonNode line, String name) {
        if (line.has(name)) {
            return line.get(name).asString();
        }
        JsonNode node = line;
        for (String part : name.split("\\.")) {
            node = node.path(part);
        }
        return node.isMissingNode() ? null : node.asString();
    }

    private static String parentName(List<ReceivedSpan> trace, String name) {
        ReceivedSpan span =
                trace.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
        return trace.stream()
                .filter(s -> s.spanId().equals(span.parentSpanId()))
                .map(ReceivedSpan::name)
                .findFirst()
                .orElse(null);
    }
}
