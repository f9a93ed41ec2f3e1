package dev.mailroom.server.api;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.CancelMessage;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.BrokerUri;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.MailboxSigning;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Cancel, reschedule and retry, each decided by the operator under the message's row lock and answered
 * with the decision (issue 12, item 5).
 */
@EndToEndTest
class MessageDecisionsApiTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Environment env;

    @Autowired
    MeterRegistry meters;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @Autowired
    RabbitTemplate rabbit;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    private String scheduled(Instant sendAt) {
        String id = api.submit(ApiClient.email("ada@example.org", "{\"sendAt\":\"" + sendAt + "\"}"));
        awaitStatus(api, id, "SCHEDULED");
        return id;
    }

    @Test
    void aCancelAnswered202LeavesTheMessageCanceledAndASecondCancelIs200() {
        String id = scheduled(Instant.now().plusSeconds(60));

        Response first = api.post("/api/v1/messages/" + id + "/cancel", "");

        assertThat(first.status()).as(first.body()).isEqualTo(202);
        assertThat(first.json().get("status").asString()).isEqualTo("CANCELED");
        // Decided before the answer: the database says so already, no waiting.
        assertThat(api.message(id).get("status").asString()).isEqualTo("CANCELED");
        assertThat(statuses(api.message(id))).containsExactly("ACCEPTED", "SCHEDULED", "CANCELED");
        Response again = api.post("/api/v1/messages/" + id + "/cancel", "");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("status").asString()).isEqualTo("CANCELED");
    }

    @Test
    void theMailboxCancelOfAnApplicationStillCancelsAScheduledMessage() {
        String id = scheduled(Instant.now().plusSeconds(60));
        CancelMessage cancel = new CancelMessage(UUID.fromString(id), "default", Instant.now());
        MessageProperties props = new MessageProperties();
        props.setMessageId(cancel.amqpMessageId());
        props.setType(cancel.type());

        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(new Message(ContractJson.write(cancel), props)));

        JsonNode canceled = awaitStatus(api, id, "CANCELED");
        assertThat(statuses(canceled)).containsExactly("ACCEPTED", "SCHEDULED", "CANCELED");
    }

    @Test
    void aCancelOfASentMessageIs409NamingItsStatus() {
        String id = api.submit(ApiClient.email("ada@example.org"));
        awaitStatus(api, id, "DELIVERED");

        Response response = api.post("/api/v1/messages/" + id + "/cancel", "");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("messageStatus").asString()).isEqualTo("DELIVERED");
        // RFC 9457's own member stays the HTTP status (a property of the same name would make the JSON ambiguous).
        assertThat(response.json().get("status").asInt()).isEqualTo(409);
        assertThat(response.json().get("detail").asString()).contains("DELIVERED");
    }

    @Test
    void aRescheduleMovesTheSendTimeAndSaysSoOnTheTimeline() {
        Instant first = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        Instant later = first.plusSeconds(3600);
        String id = scheduled(first);

        Response response = api.patch("/api/v1/messages/" + id, "{\"sendAt\":\"" + later + "\"}");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().get("id").asString()).isEqualTo(id);
        assertThat(response.json().get("status").asString()).isEqualTo("SCHEDULED");
        assertThat(Instant.parse(response.json().get("sendAt").asString())).isEqualTo(later);
        JsonNode last = response.json().get("activities").get(2);
        assertThat(last.get("status").asString()).isEqualTo("SCHEDULED");
        assertThat(Instant.parse(last.get("details").get("sendAt").asString())).isEqualTo(later);
        assertThat(Instant.parse(last.get("details").get("previousSendAt").asString()))
                .isEqualTo(first);
        assertThat(jdbc.queryForObject(
                                "SELECT next_attempt_at FROM messages WHERE id = ?",
                                java.time.OffsetDateTime.class,
                                UUID.fromString(id))
                        .toInstant())
                .isEqualTo(later);
    }

    @Test
    void aRescheduleToThePastSendsTheMessageNow() {
        String id = scheduled(Instant.now().plusSeconds(3600));

        Response response = api.patch(
                "/api/v1/messages/" + id, "{\"sendAt\":\"" + Instant.now().minusSeconds(60) + "\"}");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode delivered = awaitStatus(api, id, "DELIVERED");
        assertThat(statuses(delivered)).containsSubsequence("SCHEDULED", "SCHEDULED", "QUEUED", "DELIVERED");
    }

    @Test
    void aRescheduleBeyondTheHorizonOrWithOtherFieldsIs422AndChangesNothing() {
        Instant sendAt = Instant.now().plusSeconds(600).truncatedTo(ChronoUnit.SECONDS);
        String id = scheduled(sendAt);

        Response far = api.patch(
                "/api/v1/messages/" + id, "{\"sendAt\":\"" + Instant.now().plus(Duration.ofDays(400)) + "\"}");
        Response other =
                api.patch("/api/v1/messages/" + id, "{\"sendAt\":\"" + sendAt.plusSeconds(5) + "\",\"subject\":\"x\"}");
        Response none = api.patch("/api/v1/messages/" + id, "{}");
        Response notAnInstant = api.patch("/api/v1/messages/" + id, "{\"sendAt\":\"tomorrow\"}");

        assertThat(far.status()).isEqualTo(422);
        assertThat(far.json().get("errors").get(0).get("field").asString()).isEqualTo("sendAt");
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.json().get("errors").get(0).get("field").asString()).isEqualTo("subject");
        assertThat(none.status()).isEqualTo(422);
        assertThat(none.json().get("errors").get(0).get("field").asString()).isEqualTo("sendAt");
        assertThat(notAnInstant.status()).isEqualTo(422);
        assertThat(notAnInstant.json().get("errors").get(0).get("field").asString())
                .isEqualTo("sendAt");
        JsonNode message = api.message(id);
        assertThat(Instant.parse(message.get("sendAt").asString())).isEqualTo(sendAt);
        assertThat(statuses(message)).containsExactly("ACCEPTED", "SCHEDULED");
    }

    @Test
    void aRescheduleOfASentMessageIs409() {
        String id = api.submit(ApiClient.email("ada@example.org"));
        awaitStatus(api, id, "DELIVERED");

        Response response = api.patch(
                "/api/v1/messages/" + id, "{\"sendAt\":\"" + Instant.now().plusSeconds(60) + "\"}");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("messageStatus").asString()).isEqualTo("DELIVERED");
    }

    @Test
    void aFailedMessageRetriedByAnAdminIsDispatchedOnceTheCauseIsGone() throws Exception {
        // The scripted provider defers retry3@ three times; the suite allows three attempts: FAILED.
        UUID id;
        try (MailroomClient client = MailroomClient.connect(BrokerUri.of(env), ApiClient.TEST_KEY)) {
            id = client.submit(email("retry3@example.org"), null, "scripted");
        }
        JsonNode failed = awaitStatus(api, id.toString(), "FAILED");
        assertThat(failed.get("attempts").asInt()).isEqualTo(3);

        Response retried = api.post("/api/v1/messages/" + id + "/retry", "");

        assertThat(retried.status()).as(retried.body()).isEqualTo(202);
        assertThat(retried.json().get("status").asString()).isEqualTo("QUEUED");
        JsonNode dispatched = awaitStatus(api, id.toString(), "DISPATCHED");
        assertThat(dispatched.get("attempts").asInt()).isEqualTo(4);
        assertThat(dispatched.get("providerMessageId").asString()).endsWith("-4");
        List<String> timeline = statuses(dispatched);
        assertThat(timeline).containsSubsequence("DEFERRED", "FAILED", "QUEUED", "DISPATCHED");
        JsonNode retry = dispatched.get("activities").get(timeline.lastIndexOf("QUEUED"));
        assertThat(retry.get("details").get("retriedBy").asString()).isNotBlank();
        assertThat(retry.get("details").get("attempt").asInt()).isEqualTo(4);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM activities WHERE message_id = ? AND status = 'QUEUED'",
                        Integer.class,
                        id))
                .as("one QUEUED per attempt: the retry's is the releaser's")
                .isEqualTo(4);
    }

    @Test
    void onlyAFailedMessageCanBeRetried() {
        String id = api.submit(ApiClient.email("ada@example.org"));
        awaitStatus(api, id, "DELIVERED");

        Response response = api.post("/api/v1/messages/" + id + "/retry", "");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("messageStatus").asString()).isEqualTo("DELIVERED");
        assertThat(api.post("/api/v1/messages/" + UUID.randomUUID() + "/retry", "")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aRetryNeedsTheAdminScope() {
        String id = api.submit(ApiClient.email("ada@example.org"));

        Response response = api.as(NonAdminTestKey.KEY).post("/api/v1/messages/" + id + "/retry", "");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("detail").asString()).contains("admin");
    }

    @Test
    void withNoDecisionInTimeTheAnswerIs503AndTheCancelNeverTakesEffect() {
        String id = scheduled(Instant.now().plusSeconds(300));
        Counter expired =
                meters.counter("mailroom.operator.message.decisions", "action", "cancel", "outcome", "expired");
        double expiredBefore = expired.count();
        listeners.getListenerContainer("control").stop();
        Response response;
        try {
            response = api.post("/api/v1/messages/" + id + "/cancel", "");
        } finally {
            listeners.getListenerContainer("control").start();
        }

        assertThat(response.status()).as(response.body()).isEqualTo(503);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.headers().get("retry-after")).containsExactly("5");
        // The operator takes the request once it listens again, and lets it go: too late.
        await().atMost(Duration.ofSeconds(30)).until(() -> expired.count() > expiredBefore);
        JsonNode message = api.message(id);
        assertThat(message.get("status").asString()).isEqualTo("SCHEDULED");
        assertThat(statuses(message)).containsExactly("ACCEPTED", "SCHEDULED");
    }

    private static Email email(String to) {
        return new Email(
                new Address("app@example.com", "App"),
                List.of(new Recipient(to, null, null)),
                null,
                null,
                null,
                "Hello",
                "Hi there",
                null,
                null,
                List.of(),
                null,
                null);
    }
}
