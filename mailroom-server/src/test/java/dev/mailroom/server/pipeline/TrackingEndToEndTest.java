package dev.mailroom.server.pipeline;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.client.InvalidEmailException;
import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.ActivityBatch;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.BrokerUri;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.MailboxSigning;
import dev.mailroom.server.support.Timelines;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The operator's guarantees seen from outside: duplicates and redeliveries leave one row, late
 * events never move a status backwards, unreadable queue messages are dead-lettered, retries run and end.
 * Messages come in through the Java client over AMQP, as an application next to the broker sends.
 */
@EndToEndTest
class TrackingEndToEndTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    Environment env;

    @Autowired
    MeterRegistry meters;

    ApiClient api;
    MailroomClient client;

    @BeforeEach
    void connect() throws Exception {
        api = new ApiClient(port);
        client = MailroomClient.connect(BrokerUri.of(env), ApiClient.TEST_KEY);
    }

    @AfterEach
    void close() throws Exception {
        client.close();
    }

    private static Email email(String to) {
        return new Email(
                new Address("app@example.com", "App"),
                List.of(new Recipient(to, null, "member-" + to)),
                null,
                null,
                null,
                "Hello",
                "Hi there",
                null,
                null,
                List.of("client"),
                null,
                null);
    }

    @Test
    void theJavaClientSubmitsOverAmqpAndTheEmailIsDelivered() throws Exception {
        UUID id = client.submit(email("ada@example.org"));

        // The sandbox's DELIVERED and the dispatcher's DISPATCHED travel apart (on RabbitMQ the first may be recorded
        // first): wait for both.
        JsonNode message = Timelines.awaitMessage(
                api,
                id.toString(),
                m -> "DELIVERED".equals(m.get("status").asString())
                        && statuses(m).contains("DISPATCHED"));
        // The timeline is in the order of each activity's own time: the dispatcher's DISPATCHED (taken when the
        // provider answered) and the sandbox's DELIVERED (its event time) come from two processes' clocks, and on a
        // loaded machine either may be the earlier one.
        List<String> statuses = statuses(message);
        assertThat(statuses).hasSize(4);
        assertThat(statuses.subList(0, 2)).containsExactly("ACCEPTED", "QUEUED");
        assertThat(statuses.subList(2, 4)).containsExactlyInAnyOrder("DISPATCHED", "DELIVERED");
    }

    @Test
    void theJavaClientRefusesAnInvalidEmailBeforeSendingAnything() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.submit(email("not an address")))
                .isInstanceOf(InvalidEmailException.class)
                .hasMessageContaining("to[0].email");
    }

    @Test
    void confirmedPublishesAreCountedPerQueue() throws Exception {
        double dispatching = published(QueueNames.DISPATCHING);
        double tracking = published(QueueNames.TRACKING);

        UUID id = client.submit(email("ada@example.org"));
        awaitStatus(api, id.toString(), "DELIVERED");

        assertThat(published(QueueNames.DISPATCHING)).isGreaterThanOrEqualTo(dispatching + 1);
        // At least the dispatcher's report and the sandbox's delivered event.
        assertThat(published(QueueNames.TRACKING)).isGreaterThanOrEqualTo(tracking + 2);
    }

    private double published(String queue) {
        io.micrometer.core.instrument.Counter counter =
                meters.find("mailroom.broker.published").tag("queue", queue).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aDuplicatedReportIsStoredOnce() throws Exception {
        UUID id = client.submit(email("ada@example.org"));
        awaitStatus(api, id.toString(), "DELIVERED");
        ActivityReport opened = adaEvent("dup-" + id, id, MessageStatus.OPENED, "opened");

        publishReport(opened);
        publishReport(opened);
        publishReport(opened);

        awaitStatus(api, id.toString(), "OPENED");
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> countActivities(id, "OPENED") == 1);
        assertThat(countActivities(id, "OPENED")).isEqualTo(1);
    }

    @Test
    void aLateDeliveredDoesNotMoveAnOpenedMessageBackwards() throws Exception {
        UUID id = client.submit(email("open+late@example.org"));
        awaitStatus(api, id.toString(), "OPENED");
        ActivityReport lateDelivery = ActivityReport.event(
                Ids.providerEvent("sandbox", "late-" + id),
                id,
                null,
                "sandbox",
                MessageStatus.DELIVERED,
                Instant.now(),
                "open+late@example.org",
                "delivered",
                Map.of());

        publishReport(lateDelivery);

        await().atMost(Duration.ofSeconds(10)).until(() -> countActivities(id, "DELIVERED") == 2);
        assertThat(api.message(id.toString()).get("status").asString()).isEqualTo("OPENED");
    }

    @Test
    void anEventForAnUnknownMessageIsKeptUnmatched() throws Exception {
        String providerId = "unknown-" + UUID.randomUUID();
        ActivityReport stray = ActivityReport.event(
                Ids.providerEvent("sandbox", providerId),
                null,
                providerId,
                "sandbox",
                MessageStatus.DELIVERED,
                Instant.now(),
                "who@example.org",
                "delivered",
                Map.of());

        publishReport(stray);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM activities WHERE provider_message_id = ? AND message_id IS NULL",
                                Integer.class,
                                providerId)
                        == 1);
    }

    @Test
    void anEventKnownOnlyByTheProviderIdIsMatchedToItsMessage() throws Exception {
        UUID id = client.submit(email("ada@example.org"));
        JsonNode delivered = awaitStatus(api, id.toString(), "DELIVERED");
        String providerId = delivered.get("providerMessageId").asString();
        ActivityReport clicked = ActivityReport.event(
                Ids.providerEvent("sandbox", "byid-" + id),
                null,
                providerId,
                "sandbox",
                MessageStatus.CLICKED,
                Instant.now(),
                "ada@example.org",
                "clicked",
                Map.of("url", "https://example.com/x"));

        publishReport(clicked);

        assertThat(statuses(awaitStatus(api, id.toString(), "CLICKED"))).endsWith("CLICKED");
    }

    @Test
    void anEventThatArrivesBeforeItsDispatchIsAdoptedWhenTheDispatchIsRecorded() throws Exception {
        UUID id = UUID.randomUUID();
        String providerId = "scripted-" + id + "-1";
        publishReport(ActivityReport.event(
                Ids.providerEvent("scripted", "early-" + id),
                null,
                providerId,
                "scripted",
                MessageStatus.OPENED,
                Instant.now(),
                "ada@example.org",
                "open",
                Map.of()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM activities WHERE provider_message_id = ? AND message_id IS NULL",
                                Integer.class,
                                providerId)
                        == 1);

        MessageProperties props = new MessageProperties();
        props.setMessageId(id.toString());
        props.setType(MessageTypes.SUBMIT_V1);
        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(new Message(
                        ContractJson.write(new dev.mailroom.contracts.SubmitMessage(
                                id, "default", Instant.now(), email("ada@example.org"), null, "scripted")),
                        props)));

        JsonNode message = awaitStatus(api, id.toString(), "OPENED");
        assertThat(statuses(message)).contains("DISPATCHED", "OPENED");
    }

    @Test
    void anUnreadableMailboxMessageIsDeadLetteredAndTheRestFlows() throws Exception {
        String poisonId = "poison-" + UUID.randomUUID();
        MessageProperties props = new MessageProperties();
        props.setMessageId(poisonId);
        props.setType(MessageTypes.SUBMIT_V1);
        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(new Message("{this is not json".getBytes(), props)));
        UUID healthy = client.submit(email("ada@example.org"));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM dead_letters WHERE message_id = ?", Integer.class, poisonId)
                        == 1);
        String reason =
                jdbc.queryForObject("SELECT reason FROM dead_letters WHERE message_id = ?", String.class, poisonId);
        assertThat(reason).contains("SubmitMessage");
        awaitStatus(api, healthy.toString(), "DELIVERED");
    }

    @Test
    void aReportWithAValueTooLongForTheDatabaseIsDeadLetteredAloneAndTheRestIsRecorded() throws Exception {
        UUID id = client.submit(email("ada@example.org"));
        awaitStatus(api, id.toString(), "DELIVERED");
        ActivityReport tooLong = adaEvent("long-" + id, id, MessageStatus.OPENED, "x".repeat(100));
        ActivityReport fine = adaEvent("fine-" + id, id, MessageStatus.CLICKED, "clicked");

        publishReport(tooLong);
        publishReport(fine);

        awaitStatus(api, id.toString(), "CLICKED");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM dead_letters WHERE message_id = ? AND reason LIKE 'providerEvent is 100 characters%'",
                                Integer.class, tooLong.id().toString())
                        == 1);
        assertThat(countActivities(id, "OPENED")).isZero();
    }

    @Test
    void aBatchOfReportsIsRecordedAndItsOneBadReportDeadLetteredAlone() throws Exception {
        UUID id = client.submit(email("ada@example.org"));
        awaitStatus(api, id.toString(), "DELIVERED");
        ActivityReport opened = adaEvent("batch-open-" + id, id, MessageStatus.OPENED, "open");
        ActivityReport tooLong = adaEvent("batch-long-" + id, id, MessageStatus.COMPLAINED, "x".repeat(100));
        ActivityReport clicked = adaEvent("batch-click-" + id, id, MessageStatus.CLICKED, "click");
        ActivityBatch batch = new ActivityBatch(List.of(opened, tooLong, clicked));

        publishBatch(batch);
        publishBatch(batch);

        awaitStatus(api, id.toString(), "CLICKED");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM dead_letters WHERE message_id = ? AND message_type = ? AND reason LIKE '%providerEvent is 100 characters%'",
                                Integer.class, batch.messageId() + "#1", MessageTypes.ACTIVITY_V1)
                        == 1);
        assertThat(countActivities(id, "OPENED")).isEqualTo(1);
        assertThat(countActivities(id, "CLICKED")).isEqualTo(1);
        assertThat(countActivities(id, "COMPLAINED")).isZero();
    }

    @Test
    void anEventKnownOnlyByTheProvidersIdIsMatchedToADispatchReportedInTheSameBatch() throws Exception {
        UUID messageId = client.submit(email("grace@example.org"));
        awaitStatus(api, messageId.toString(), "DELIVERED");
        // A later dispatch of it, and a bounce that names only the provider's id for that dispatch, travel together.
        String providerId = "same-batch-" + messageId;
        ActivityReport dispatched = new ActivityReport(
                Ids.activity(messageId, MessageStatus.DISPATCHED, 9),
                messageId,
                providerId,
                "sandbox",
                MessageStatus.DISPATCHED,
                Instant.now(),
                null,
                null,
                Map.of("attempt", 9),
                9,
                null);
        ActivityReport bounced = ActivityReport.event(
                Ids.providerEvent("sandbox", "bounce-" + providerId),
                null,
                providerId,
                "sandbox",
                MessageStatus.BOUNCED,
                Instant.now(),
                "x@example.org",
                "bounce",
                Map.of());

        publishBatch(new ActivityBatch(List.of(dispatched, bounced)));

        awaitStatus(api, messageId.toString(), "BOUNCED");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM activities WHERE message_id IS NULL AND provider_message_id = ?",
                        Integer.class,
                        providerId))
                .isZero();
    }

    @Test
    void anUnreadableDispatchCommandIsDeadLetteredByTheDispatcherAndStoredByTheOperator() {
        String poisonId = "poison-dispatch-" + UUID.randomUUID();
        MessageProperties props = new MessageProperties();
        props.setMessageId(poisonId);
        props.setType("mailroom.dispatching.dispatch.v99");
        rabbit.send("", QueueNames.DISPATCHING, new Message("{}".getBytes(), props));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM dead_letters WHERE message_id = ? AND queue = ?",
                                Integer.class,
                                poisonId,
                                QueueNames.DISPATCHING)
                        == 1);
    }

    @Test
    void aDeferredSendIsRetriedUntilTheProviderAcceptsIt() throws Exception {
        UUID id = client.submit(email("retry2@example.org"), null, "scripted");

        JsonNode message = awaitStatus(api, id.toString(), "DISPATCHED");

        assertThat(statuses(message))
                .containsExactly("ACCEPTED", "QUEUED", "DEFERRED", "QUEUED", "DEFERRED", "QUEUED", "DISPATCHED");
        assertThat(message.get("attempts").asInt()).isEqualTo(3);
        assertThat(message.get("providerMessageId").asString()).endsWith("-3");
    }

    @Test
    void aSendThatKeepsBeingDeferredFailsAfterTheLastAttempt() throws Exception {
        UUID id = client.submit(email("always-retry@example.org"), null, "scripted");

        JsonNode message = awaitStatus(api, id.toString(), "FAILED");

        assertThat(statuses(message))
                .containsExactly(
                        "ACCEPTED", "QUEUED", "DEFERRED", "QUEUED", "DEFERRED", "QUEUED", "DEFERRED", "FAILED");
        JsonNode failed = message.get("activities").get(7);
        assertThat(failed.get("details").get("reason").asString())
                .contains("gave up after 3 attempts")
                .contains("503 try later");
    }

    @Test
    void aRejectedSendFailsAtOnceWithTheProvidersReason() throws Exception {
        UUID id = client.submit(email("reject@example.org"), null, "scripted");

        JsonNode message = awaitStatus(api, id.toString(), "FAILED");

        assertThat(statuses(message)).containsExactly("ACCEPTED", "QUEUED", "FAILED");
        assertThat(message.get("activities").get(2).get("details").get("reason").asString())
                .isEqualTo("550 mailbox does not exist");
    }

    @Test
    void anUnknownProviderOverrideFailsTheMessageWithAClearReason() throws Exception {
        UUID id = client.submit(email("ada@example.org"), null, "no-such-provider");

        JsonNode message = awaitStatus(api, id.toString(), "FAILED");

        assertThat(message.get("activities").get(2).get("details").get("reason").asString())
                .contains("no-such-provider")
                .contains("not configured");
    }

    private void publishReport(ActivityReport report) {
        MessageProperties props = new MessageProperties();
        props.setMessageId(report.id().toString());
        props.setType(MessageTypes.ACTIVITY_V1);
        rabbit.send("", QueueNames.TRACKING, new Message(ContractJson.write(report), props));
    }

    /** An event the sandbox reported for ada@example.org, known by our message id. */
    private static ActivityReport adaEvent(String eventId, UUID messageId, MessageStatus status, String providerEvent) {
        return ActivityReport.event(
                Ids.providerEvent("sandbox", eventId),
                messageId,
                null,
                "sandbox",
                status,
                Instant.now(),
                "ada@example.org",
                providerEvent,
                Map.of());
    }

    private void publishBatch(ActivityBatch batch) {
        MessageProperties props = new MessageProperties();
        props.setMessageId(batch.messageId());
        props.setType(MessageTypes.ACTIVITIES_V1);
        rabbit.send("", QueueNames.TRACKING, new Message(ContractJson.write(batch), props));
    }

    private int countActivities(UUID id, String status) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM activities WHERE message_id = ? AND status = ?", Integer.class, id, status);
    }
}
