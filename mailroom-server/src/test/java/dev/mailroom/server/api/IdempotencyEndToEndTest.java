package dev.mailroom.server.api;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.MailboxSigning;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * An Idempotency-Key keeps its promise within its window: the same request is the same message (as it is
 * now), another request is 409, racing duplicates are one message and one send, and after the window the
 * key makes a new message.
 */
@EndToEndTest
class IdempotencyEndToEndTest {
    private static final String ORGANIZATION = "default";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    MeterRegistry meters;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    @Test
    void theSameKeyAndBodyAnswerTheSameMessageWithItsCurrentStatus() {
        String key = "order-" + UUID.randomUUID();
        Response first = api.post("/api/v1/messages", ApiClient.email("ada@example.org"), "Idempotency-Key", key);
        assertThat(first.status()).isEqualTo(202);
        String id = first.json().get("id").asString();
        assertThat(first.json().get("status").asString()).isEqualTo("SUBMITTED");
        awaitStatus(api, id, "DELIVERED");

        // The same request in other bytes: keys in another order, other whitespace.
        String sameMeaning = """
                { "text" : "Hello from the tests", "subject" : "Hello",
                  "to" : [ { "email" : "ada@example.org" } ],
                  "from" : { "name" : "Example App", "email" : "app@example.com" } }
                """;
        Response again = api.post("/api/v1/messages", sameMeaning, "Idempotency-Key", key);

        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("id").asString()).isEqualTo(id);
        assertThat(again.json().get("status").asString()).isEqualTo("DELIVERED");
        assertThat(again.headers().get("idempotent-replayed")).containsExactly("true");
        assertThat(messageRows(id)).isEqualTo(1);
    }

    @Test
    void theSameKeyWithAnotherBodyIsAConflictNamingTheHeaderAndChangesNothing() {
        String key = "order-" + UUID.randomUUID();
        String id = api.submit(ApiClient.email("ada@example.org"), "Idempotency-Key", key);
        awaitStatus(api, id, "DELIVERED");

        Response other = api.post(
                "/api/v1/messages",
                ApiClient.email("ada@example.org", "{\"subject\":\"Another subject\"}"),
                "Idempotency-Key",
                key);

        assertThat(other.status()).isEqualTo(409);
        assertThat(other.contentType()).startsWith("application/problem+json");
        assertThat(other.json().get("title").asString()).isEqualTo("Idempotency-Key reused");
        assertThat(other.json().get("detail").asString())
                .contains(key)
                .contains(id)
                .contains("another body");
        assertThat(other.json().get("errors").get(0).get("field").asString()).isEqualTo("Idempotency-Key");
        JsonNode message = api.message(id);
        assertThat(message.get("subject").asString()).isEqualTo("Hello");
        assertThat(jdbc.queryForObject(
                        "SELECT message_id FROM idempotency_keys WHERE organization_id = ? AND idempotency_key = ?",
                        UUID.class,
                        ORGANIZATION,
                        key))
                .isEqualTo(UUID.fromString(id));
    }

    @Test
    void duplicatesSentInParallelMakeOneMessageAndOneSend() throws Exception {
        String key = "order-" + UUID.randomUUID();
        String body = ApiClient.email("ada@example.org");
        int parallel = 12;
        CountDownLatch start = new CountDownLatch(1);
        List<Response> responses = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return api.post("/api/v1/messages", body, "Idempotency-Key", key);
                }));
            }
            start.countDown();
            for (Future<Response> f : futures) {
                responses.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(responses).extracting(Response::status).containsOnly(202);
        Set<String> ids = new java.util.HashSet<>();
        responses.forEach(r -> ids.add(r.json().get("id").asString()));
        assertThat(ids).hasSize(1);
        String id = ids.iterator().next();
        awaitStatus(api, id, "DELIVERED");
        assertThat(messageRows(id)).isEqualTo(1);
        // Each send through the sandbox gets a provider id of its own, and each is reported DELIVERED under
        // its own event: one send means one provider id and one DELIVERED activity.
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(DISTINCT provider_message_id) FROM activities WHERE message_id = ?"
                                + " AND provider_message_id IS NOT NULL",
                        Integer.class,
                        UUID.fromString(id)))
                .isEqualTo(1);
        assertThat(activities(id, "DELIVERED")).isEqualTo(1);
        assertThat(activities(id, "QUEUED")).isEqualTo(1);
    }

    @Test
    void afterItsWindowTheSameKeyMakesANewMessage() {
        String key = "order-" + UUID.randomUUID();
        String body = ApiClient.email("ada@example.org");
        String first = api.submit(body, "Idempotency-Key", key);
        awaitStatus(api, first, "DELIVERED");
        // The window (24 h by default) is measured from when the key was recorded: move that a day back.
        jdbc.update(
                "UPDATE idempotency_keys SET created_at = created_at - INTERVAL '25' HOUR"
                        + " WHERE organization_id = ? AND idempotency_key = ?",
                ORGANIZATION,
                key);

        Response later = api.post("/api/v1/messages", body, "Idempotency-Key", key);

        assertThat(later.status()).isEqualTo(202);
        String second = later.json().get("id").asString();
        assertThat(second)
                .isNotEqualTo(first)
                .isEqualTo(Ids.nextIdempotentMessage(UUID.fromString(first)).toString());
        assertThat(later.json().get("status").asString()).isEqualTo("SUBMITTED");
        awaitStatus(api, second, "DELIVERED");
        assertThat(api.message(first).get("status").asString()).isEqualTo("DELIVERED");
        // The key now names the new message, for a new window, and another body is a conflict again.
        Response retry = api.post("/api/v1/messages", body, "Idempotency-Key", key);
        assertThat(retry.json().get("id").asString()).isEqualTo(second);
        assertThat(api.post("/api/v1/messages", ApiClient.email("bob@example.org"), "Idempotency-Key", key)
                        .status())
                .isEqualTo(409);
    }

    @Test
    void twoBodiesRacingForOneKeyBeforeEitherIsRecordedLeaveOneWholeMessageAndACountedConflict() {
        String key = "order-" + UUID.randomUUID();
        UUID id = Ids.idempotentMessage(ORGANIZATION, key);
        // What two API processes publish when both bodies arrive before the operator recorded either:
        // both derive the key's first id, each with its own request hash.
        SubmitMessage ada = submission(id, key, "ada@example.org");
        SubmitMessage bob = submission(id, key, "bob@example.org");
        double conflictsBefore = conflicts();

        publish(ada);
        publish(bob);

        JsonNode message = awaitStatus(api, id.toString(), "DELIVERED");
        await().atMost(Duration.ofSeconds(30)).until(() -> conflicts() >= conflictsBefore + 1);
        List<String> recipients = new ArrayList<>();
        message.get("recipients").forEach(r -> recipients.add(r.get("email").asString()));
        assertThat(recipients).hasSize(1).containsAnyOf("ada@example.org", "bob@example.org");
        SubmitMessage kept = recipients.contains("ada@example.org") ? ada : bob;
        assertThat(jdbc.queryForObject(
                        "SELECT request_hash FROM idempotency_keys WHERE organization_id = ? AND idempotency_key = ?",
                        String.class,
                        ORGANIZATION,
                        key))
                .isEqualTo(kept.requestHash());
        assertThat(activities(id.toString(), "QUEUED")).isEqualTo(1);
        // The API now knows the key: the body that lost is refused, the one kept is answered.
        assertThat(api.post("/api/v1/messages", bodyTo(other(kept, ada, bob)), "Idempotency-Key", key)
                        .status())
                .isEqualTo(409);
        assertThat(api.post("/api/v1/messages", bodyTo(recipients.get(0)), "Idempotency-Key", key)
                        .json()
                        .get("id")
                        .asString())
                .isEqualTo(id.toString());
    }

    @Test
    void aMessageAnOlderApiRecordedWithoutItsKeyIsTakenOverByTheKey() {
        String key = "order-" + UUID.randomUUID();
        UUID id = Ids.idempotentMessage(ORGANIZATION, key);
        // What an API from before the key rows published: the key's id, without the key or a hash.
        SubmitMessage keyed = submission(id, key, "ada@example.org");
        publish(new SubmitMessage(id, ORGANIZATION, Instant.now(), keyed.email(), null, null));
        awaitStatus(api, id.toString(), "DELIVERED");

        Response again = api.post("/api/v1/messages", bodyTo("ada@example.org"), "Idempotency-Key", key);

        assertThat(again.status()).isEqualTo(202);
        assertThat(again.json().get("id").asString()).isEqualTo(id.toString());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM idempotency_keys WHERE organization_id = ? AND idempotency_key = ?",
                                Integer.class,
                                ORGANIZATION,
                                key)
                        == 1);
        assertThat(api.post("/api/v1/messages", bodyTo("ada@example.org"), "Idempotency-Key", key)
                        .json()
                        .get("status")
                        .asString())
                .isEqualTo("DELIVERED");
        assertThat(messageRows(id.toString())).isEqualTo(1);
        assertThat(activities(id.toString(), "ACCEPTED")).isEqualTo(1);
    }

    private static String other(SubmitMessage kept, SubmitMessage ada, SubmitMessage bob) {
        return kept == ada ? "bob@example.org" : "ada@example.org";
    }

    private static String bodyTo(String recipient) {
        return ApiClient.email(recipient);
    }

    private static SubmitMessage submission(UUID id, String key, String recipient) {
        SubmissionRequest request = ContractJson.mapper().readValue(bodyTo(recipient), SubmissionRequest.class);
        return new SubmitMessage(
                id,
                ORGANIZATION,
                Instant.now(),
                request.email(),
                null,
                null,
                key,
                IdempotencyKeys.requestHash(request));
    }

    private void publish(SubmitMessage submission) {
        MessageProperties props = new MessageProperties();
        props.setMessageId(submission.amqpMessageId());
        props.setType(MessageTypes.SUBMIT_V1);
        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(new Message(ContractJson.write(submission), props)));
    }

    private double conflicts() {
        return meters.counter("mailroom.operator.idempotency.conflicts").count();
    }

    private int messageRows(String id) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM messages WHERE id = ?", Integer.class, UUID.fromString(id));
    }

    private int activities(String id, String status) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM activities WHERE message_id = ? AND status = ?",
                Integer.class,
                UUID.fromString(id),
                status);
    }
}
