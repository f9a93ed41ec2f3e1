package dev.mailroom.server.pipeline;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.pipelineStatuses;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.messaging.DeadLetterQueue;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.MailboxSigning;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** Nothing accepted is lost: stuck messages are queued again, dead-lettered ones can be replayed, retries end. */
@EndToEndTest
class RecoveryEndToEndTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RabbitTemplate rabbit;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    private static Email email(String to) {
        return new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of(to)),
                null,
                null,
                null,
                "Recovered",
                "hello",
                null,
                null,
                null,
                null,
                null);
    }

    @Test
    void aMessageAcceptedButNeverQueuedIsFoundAndQueuedAgain() {
        // The state an operator leaves when it dies between its commit and its publish.
        UUID id = UUID.randomUUID();
        OffsetDateTime longAgo = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(2);
        jdbc.update(
                "INSERT INTO messages (id, organization_id, from_email, subject, status, status_rank,"
                        + " submitted_at, created_at, updated_at) VALUES (?, 'default', 'app@example.com', 'Recovered', 'ACCEPTED', 10, ?, ?, ?)",
                id,
                longAgo,
                longAgo,
                longAgo);
        jdbc.update(
                "INSERT INTO message_contents (message_id, content) VALUES (?, ?)",
                id,
                new String(ContractJson.write(email("ada@example.org")), StandardCharsets.UTF_8));
        jdbc.update(
                "INSERT INTO message_recipients (message_id, position, kind, email, organization_id)"
                        + " SELECT id, 0, 'to', 'ada@example.org', organization_id FROM messages WHERE id = ?",
                id);
        // Due last: the operator commits all of these at once, the test one statement at a time.
        jdbc.update("UPDATE messages SET next_attempt_at = ? WHERE id = ?", longAgo.plusSeconds(30), id);

        JsonNode message = awaitStatus(api, id.toString(), "DELIVERED");

        assertThat(pipelineStatuses(message)).containsExactly("QUEUED", "DISPATCHED", "DELIVERED");
        assertThat(message.get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void aDeadLetteredMessageIsListedAndCanBeDiscarded() {
        String poisonId = "poison-" + UUID.randomUUID();
        MessageProperties props = new MessageProperties();
        props.setMessageId(poisonId);
        props.setType(MessageTypes.SUBMIT_V1);
        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(new Message("not json at all".getBytes(StandardCharsets.UTF_8), props)));

        JsonNode deadLettered = awaitDeadLetter(poisonId);
        assertThat(deadLettered.get("queue").asString()).isEqualTo(QueueNames.MAILBOX);
        assertThat(deadLettered.get("bodyPreview").asString()).isEqualTo("not json at all");

        ApiClient.Response response =
                api.post("/api/v1/dead-letters/" + deadLettered.get("id").asString() + "/discard", "");

        assertThat(response.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> findDeadLetter(poisonId) == null);
        assertThat(jdbc.queryForObject(
                        "SELECT resolution FROM dead_letters WHERE message_id = ?", String.class, poisonId))
                .isEqualTo("discarded");
    }

    @Test
    void aDeadLetteredMessageThatIsValidCanBeReplayedAndIsThenDelivered() {
        // What a dispatcher or webhook sink dead-letters through mailroom.dead-letters, here a good submission
        // dead-lettered during an incident.
        UUID id = UUID.randomUUID();
        SubmitMessage submission =
                new SubmitMessage(id, "default", Instant.now(), email("ada@example.org"), null, null);
        MessageProperties props = new MessageProperties();
        props.setMessageId(id.toString());
        props.setType(MessageTypes.SUBMIT_V1);
        props.setHeader(DeadLetterQueue.ORIGINAL_QUEUE_HEADER, QueueNames.MAILBOX);
        props.setHeader(DeadLetterQueue.REASON_HEADER, "dead-lettered during an incident");
        // Signed, as it was on the mailbox: the proof is kept with the dead letter and sent again with the replay.
        rabbit.send(
                "", QueueNames.DEAD_LETTERS, MailboxSigning.signed(new Message(ContractJson.write(submission), props)));
        JsonNode deadLettered = awaitDeadLetter(id.toString());

        ApiClient.Response response =
                api.post("/api/v1/dead-letters/" + deadLettered.get("id").asString() + "/replay", "");

        assertThat(response.status()).isEqualTo(202);
        awaitStatus(api, id.toString(), "DELIVERED");
        assertThat(findDeadLetter(id.toString())).isNull();
    }

    @Test
    void resolvingAnUnknownDeadLetterIsNotFound() {
        assertThat(api.post("/api/v1/dead-letters/" + UUID.randomUUID() + "/replay", "")
                        .status())
                .isEqualTo(404);
    }

    @Test
    void aDeferredAttemptShowsWhenTheNextOneIsDue() throws Exception {
        UUID id = UUID.randomUUID();
        publishSubmission(
                new SubmitMessage(id, "default", Instant.now(), email("retry1@example.org"), null, "scripted"));

        JsonNode message = awaitStatus(api, id.toString(), "DISPATCHED");

        JsonNode deferred = message.get("activities").get(2);
        assertThat(deferred.get("status").asString()).isEqualTo("DEFERRED");
        assertThat(deferred.get("details").get("attempt").asInt()).isEqualTo(1);
        assertThat(Instant.parse(deferred.get("details").get("nextAttemptAt").asString()))
                .isAfterOrEqualTo(
                        Instant.parse(deferred.get("details").get("retryAfter").asString()));
    }

    @Test
    void aMessageOlderThanTheRetryAgeIsNotRetried() throws Exception {
        UUID id = UUID.randomUUID();
        publishSubmission(new SubmitMessage(
                id,
                "default",
                Instant.now().minus(Duration.ofDays(2)),
                email("always-retry@example.org"),
                null,
                "scripted"));

        JsonNode message = awaitStatus(api, id.toString(), "FAILED");

        assertThat(statuses(message)).containsExactly("ACCEPTED", "QUEUED", "DEFERRED", "FAILED");
        assertThat(message.get("activities").get(3).get("details").get("reason").asString())
                .contains("older than");
    }

    private void publishSubmission(SubmitMessage submission) {
        MessageProperties props = new MessageProperties();
        props.setMessageId(submission.id().toString());
        props.setType(MessageTypes.SUBMIT_V1);
        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(new Message(ContractJson.write(submission), props)));
    }

    private JsonNode awaitDeadLetter(String messageId) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> (found[0] = findDeadLetter(messageId)) != null);
        return found[0];
    }

    private JsonNode findDeadLetter(String messageId) {
        ApiClient.Response response = api.get("/api/v1/dead-letters?limit=500");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        for (JsonNode item : response.json().get("items")) {
            if (messageId.equals(item.path("messageId").asString(null))) {
                return item;
            }
        }
        return null;
    }
}
