package dev.mailroom.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.messaging.DeadLetterQueue;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.MailboxSigning;
import dev.mailroom.server.support.TestOrganizations;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessagePostProcessor;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A producer with access to the broker publishes poison straight onto the queues, in among 200
 * ordinary messages: values Java reads but the database cannot hold (dates a billion years away
 * either way, or just beyond what PostgreSQL stores), NUL in text, over-long ids and types,
 * malformed JSON, unknown types. Each poison is dead-lettered once, with its reason; every ordinary
 * message reaches its status; nothing is delivered to the operator twice (no batch is given back,
 * nothing loops). The queues' consumers are stopped while the messages are published, so that
 * they meet in the same consumer batch (up to 200) when it starts again.
 *
 * <p>Runs on the embedded broker and H2, and on RabbitMQ and PostgreSQL when the suite does.
 */
@EndToEndTest
class PoisonBatchIsolationTest {
    private static final int ORDINARY = 200;
    private static final String FAR_FUTURE = "+1000000000-01-01T00:00:00Z";
    private static final String FAR_PAST = "-1000000000-01-01T00:00:00Z";
    /** Beyond PostgreSQL's 294276 AD and before its 4713 BC, well within Java's range. */
    private static final String BEYOND_POSTGRESQL = "+300000-01-01T00:00:00Z";

    private static final String BEFORE_POSTGRESQL = "-5000-01-01T00:00:00Z";

    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    AmqpAdmin admin;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    @Autowired
    JdbcTemplate jdbc;

    ApiClient api;

    /** How often the operator's consumers received each message id: more than once would be a batch given back. */
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();

    private final MessagePostProcessor counter = message -> {
        deliveries
                .computeIfAbsent(
                        String.valueOf(message.getMessageProperties().getMessageId()), k -> new AtomicInteger())
                .incrementAndGet();
        return message;
    };

    /** A poison queue message; {@code storedId} is how its message id reads in dead_letters (cut, NUL removed). */
    private record Poison(
            String queue, String messageId, String type, byte[] body, Map<String, Object> headers, String what) {
        String storedIdPrefix() {
            String clean = messageId.replace("\0", "");
            return clean.length() > 100 ? clean.substring(0, 100) : clean;
        }
    }

    /**
     * An organization "poison-org-…" whose send key signs the poison submissions: their proof holds, so that
     * what makes them poison is what is tested. Made once for the shared Mailroom.
     */
    private static TestOrganizations.Organization poisonOrganization;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
        if (poisonOrganization == null) {
            poisonOrganization = TestOrganizations.create(port, "poison-org-", "send");
        }
        for (String id : List.of("mailbox", "tracking", "dead-letters")) {
            container(id).addAfterReceivePostProcessors(counter);
        }
    }

    @AfterEach
    void stopCounting() {
        for (String id : List.of("mailbox", "tracking", "dead-letters")) {
            container(id).removeAfterReceivePostProcessor(counter);
            if (!container(id).isRunning()) {
                container(id).start();
            }
        }
    }

    @Test
    void poisonInABatchOfTheMailboxAndOfTheTrackingQueueIsDeadLetteredOnceAndTheOrdinaryMessagesGoThrough() {
        List<UUID> ordinary = new ArrayList<>();
        for (int i = 0; i < ORDINARY; i++) {
            ordinary.add(UUID.randomUUID());
        }

        // The mailbox: submissions.
        List<Poison> mailboxPoison = mailboxPoison();
        publishTogether("mailbox", QueueNames.MAILBOX, publish -> {
            ordinary.subList(0, ORDINARY / 2).forEach(id -> publish.accept(submission(id)));
            mailboxPoison.forEach(p -> publish.accept(amqp(p)));
            ordinary.subList(ORDINARY / 2, ORDINARY).forEach(id -> publish.accept(submission(id)));
        });

        awaitAll(ordinary, "DELIVERED");
        mailboxPoison.forEach(this::awaitDeadLetteredOnce);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM messages WHERE organization_id LIKE 'poison%'", Integer.class))
                .as("no poison submission was recorded")
                .isZero();

        // The tracking queue: provider events, one per queue message and several in one.
        List<Poison> trackingPoison = trackingPoison();
        String batchId = "poison-batch-" + UUID.randomUUID();
        ActivityReport nulInDetails = opened(ordinary.get(1), "nul-details", Map.of("userAgent", "Mozilla\0/5.0"));
        ActivityBatch mixed = new ActivityBatch(List.of(
                opened(ordinary.get(0), "in-batch", Map.of()),
                poisonReport(r -> r.put("occurredAt", FAR_PAST)),
                nulInDetails));
        publishTogether("tracking", QueueNames.TRACKING, publish -> {
            ordinary.subList(0, ORDINARY / 2).forEach(id -> publish.accept(report(opened(id, "open", Map.of()))));
            trackingPoison.forEach(p -> publish.accept(amqp(p)));
            publish.accept(amqp(new Poison(
                    QueueNames.TRACKING,
                    batchId,
                    MessageTypes.ACTIVITIES_V1,
                    ContractJson.write(mixed),
                    Map.of(),
                    "a batch of three reports, the second dated a billion years ago")));
            ordinary.subList(ORDINARY / 2, ORDINARY)
                    .forEach(id -> publish.accept(report(opened(id, "open", Map.of()))));
        });

        awaitAll(ordinary, "OPENED");
        trackingPoison.forEach(this::awaitDeadLetteredOnce);
        awaitDeadLetteredOnce(
                new Poison(QueueNames.TRACKING, batchId + "#1", null, null, Map.of(), "report 1 of the mixed batch"));
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM dead_letters WHERE message_id LIKE ?", Integer.class, batchId + "%"))
                .as("only the bad report of the mixed batch is dead-lettered")
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT details FROM activities WHERE id = ?", String.class, nulInDetails.id()))
                .as("NUL is stripped from an event's details, the event kept")
                .contains("Mozilla/5.0")
                .doesNotContain("\\u0000", "\0");

        awaitEmpty(QueueNames.MAILBOX);
        awaitEmpty(QueueNames.TRACKING);
        List<String> all = new ArrayList<>();
        mailboxPoison.forEach(p -> all.add(p.messageId()));
        trackingPoison.forEach(p -> all.add(p.messageId()));
        ordinary.forEach(id -> all.add(id.toString()));
        all.add(batchId);
        assertThat(all)
                .allSatisfy(id ->
                        assertThat(deliveries.get(id)).as("deliveries of " + id).hasValue(1));
        assertListedOnce(mailboxPoison);
        assertListedOnce(trackingPoison);
    }

    @Test
    void whatIsSentThroughTheDeadLetterQueueIsStoredOnceHoweverLongOrOddItsIdTypeAndHeaders() {
        String longId = "poison-dl-" + UUID.randomUUID() + "-" + "i".repeat(200);
        Poison odd = new Poison(
                QueueNames.DEAD_LETTERS,
                longId,
                "t\0" + "y".repeat(200),
                "{odd".getBytes(StandardCharsets.UTF_8),
                Map.of(
                        DeadLetterQueue.ORIGINAL_QUEUE_HEADER,
                        "q\0" + "q".repeat(300),
                        DeadLetterQueue.REASON_HEADER,
                        "r\0" + "x".repeat(10_000)),
                "every value longer than its column, with NUL");
        Poison nulId = new Poison(
                QueueNames.DEAD_LETTERS,
                "poison-dl-nul-\0-" + UUID.randomUUID(),
                MessageTypes.SUBMIT_V1,
                "{}".getBytes(StandardCharsets.UTF_8),
                Map.of(DeadLetterQueue.ORIGINAL_QUEUE_HEADER, QueueNames.DISPATCHING),
                "NUL in the id");
        byte[] anonymousBody = ("no id, no headers " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);

        publishTogether("dead-letters", QueueNames.DEAD_LETTERS, publish -> {
            publish.accept(amqp(odd));
            publish.accept(amqp(nulId));
            publish.accept(new Message(anonymousBody, new MessageProperties()));
        });

        awaitDeadLetteredOnce(odd);
        awaitDeadLetteredOnce(nulId);
        String body64 = Base64.getEncoder().encodeToString(anonymousBody);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM dead_letters WHERE body_base64 = ?", Integer.class, body64)
                        == 1);
        assertThat(jdbc.queryForObject("SELECT queue FROM dead_letters WHERE body_base64 = ?", String.class, body64))
                .isEqualTo(QueueNames.DEAD_LETTERS);
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT queue, message_type, message_id, reason FROM dead_letters WHERE message_id LIKE ?",
                odd.storedIdPrefix() + "%");
        assertThat((String) row.get("queue"))
                .hasSizeLessThanOrEqualTo(64)
                .startsWith("qqq")
                .doesNotContain("\0");
        assertThat((String) row.get("message_type"))
                .hasSizeLessThanOrEqualTo(128)
                .startsWith("tyyy");
        assertThat((String) row.get("message_id")).hasSizeLessThanOrEqualTo(128);
        assertThat((String) row.get("reason")).startsWith("rxxx").doesNotContain("\0");
        awaitEmpty(QueueNames.DEAD_LETTERS);
        assertThat(deliveries.get(longId)).hasValue(1);
    }

    // ---------------------------------------------------------------------------------------

    private List<Poison> mailboxPoison() {
        List<Poison> all = new ArrayList<>();
        String submit = MessageTypes.SUBMIT_V1;
        all.add(mailbox("sendAt a billion years ahead", submit, submissionWith(s -> s.put("sendAt", FAR_FUTURE))));
        all.add(mailbox("sendAt a billion years ago", submit, submissionWith(s -> s.put("sendAt", FAR_PAST))));
        all.add(mailbox(
                "sendAt beyond PostgreSQL's last year",
                submit,
                submissionWith(s -> s.put("sendAt", BEYOND_POSTGRESQL))));
        all.add(mailbox(
                "sendAt before PostgreSQL's first year",
                submit,
                submissionWith(s -> s.put("sendAt", BEFORE_POSTGRESQL))));
        all.add(mailbox(
                "submittedAt a billion years ahead", submit, submissionWith(s -> s.put("submittedAt", FAR_FUTURE))));
        all.add(mailbox(
                "NUL in the text",
                submit,
                submissionWith(s -> ((ObjectNode) s.get("email")).put("text", "hello\0world"))));
        all.add(mailbox(
                "NUL in a metadata value",
                submit,
                submissionWith(
                        s -> ((ObjectNode) s.get("email")).putObject("metadata").put("k", "v\0"))));
        all.add(mailbox(
                "NUL in the organization", submit, submissionWith(s -> s.put("organizationId", "poison\0org"))));
        all.add(mailbox(
                "an organization of 100 characters",
                submit,
                submissionWith(s -> s.put("organizationId", "poison" + "o".repeat(94)))));
        all.add(mailbox("malformed JSON", submit, "{this is not json".getBytes(StandardCharsets.UTF_8)));
        all.add(mailbox("an unknown type", "mailroom.mailbox.bogus.v9", submissionWith(s -> {})));
        all.add(mailbox("a type of 200 characters", "mailroom.mailbox." + "t".repeat(183), submissionWith(s -> {})));
        all.add(new Poison(
                QueueNames.MAILBOX,
                "poison-long-id-" + UUID.randomUUID() + "-" + "i".repeat(200),
                submit,
                "{not json either".getBytes(StandardCharsets.UTF_8),
                Map.of(),
                "a message id of 255 characters"));
        all.add(new Poison(
                QueueNames.MAILBOX,
                "poison-nul-id-\0-" + UUID.randomUUID(),
                submit + "\0",
                "{}".getBytes(StandardCharsets.UTF_8),
                Map.of(),
                "NUL in the message id and the type"));
        return all;
    }

    private List<Poison> trackingPoison() {
        List<Poison> all = new ArrayList<>();
        String activity = MessageTypes.ACTIVITY_V1;
        all.add(tracking(
                "occurredAt a billion years ahead", activity, poisonReportJson(r -> r.put("occurredAt", FAR_FUTURE))));
        all.add(tracking(
                "occurredAt a billion years ago", activity, poisonReportJson(r -> r.put("occurredAt", FAR_PAST))));
        all.add(tracking(
                "occurredAt beyond PostgreSQL's last year",
                activity,
                poisonReportJson(r -> r.put("occurredAt", BEYOND_POSTGRESQL))));
        all.add(tracking(
                "occurredAt before PostgreSQL's first year",
                activity,
                poisonReportJson(r -> r.put("occurredAt", BEFORE_POSTGRESQL))));
        all.add(tracking(
                "a DEFERRED whose retryAt is a billion years ahead",
                activity,
                poisonReportJson(
                        r -> r.put("status", "DEFERRED").put("attempt", 1).put("retryAt", FAR_FUTURE))));
        all.add(tracking(
                "NUL in the recipient", activity, poisonReportJson(r -> r.put("recipient", "ada\0@example.org"))));
        all.add(tracking(
                "NUL in the provider's message id",
                activity,
                poisonReportJson(r -> r.put("providerMessageId", "p\0-1"))));
        all.add(tracking(
                "a provider event name of 100 characters",
                activity,
                poisonReportJson(r -> r.put("providerEvent", "e".repeat(100)))));
        all.add(tracking("malformed JSON", activity, "{this is not json".getBytes(StandardCharsets.UTF_8)));
        all.add(tracking("an unknown type", "mailroom.tracking.bogus.v9", poisonReportJson(r -> {})));
        all.add(new Poison(
                QueueNames.TRACKING,
                "poison-long-id-" + UUID.randomUUID() + "-" + "i".repeat(200),
                "mailroom.tracking." + "t".repeat(182),
                poisonReportJson(r -> {}),
                Map.of(),
                "a message id of 255 characters and a type of 200"));
        return all;
    }

    private static Poison mailbox(String what, String type, byte[] body) {
        return new Poison(QueueNames.MAILBOX, "poison-" + UUID.randomUUID(), type, body, Map.of(), what);
    }

    private static Poison tracking(String what, String type, byte[] body) {
        return new Poison(QueueNames.TRACKING, "poison-" + UUID.randomUUID(), type, body, Map.of(), what);
    }

    private static Email email(String to) {
        return new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of(to)),
                null,
                null,
                null,
                "Batch",
                "hello",
                null,
                null,
                null,
                null,
                null);
    }

    private static Message submission(UUID id) {
        SubmitMessage s =
                new SubmitMessage(id, "default", Instant.now(), email("batch-" + id + "@example.org"), null, null);
        return amqp(new Poison(
                QueueNames.MAILBOX,
                id.toString(),
                MessageTypes.SUBMIT_V1,
                ContractJson.write(s),
                Map.of(),
                "ordinary"));
    }

    /** A valid submission (organization "poison…", so none may ever be recorded), changed by {@code change}. */
    private static byte[] submissionWith(Consumer<ObjectNode> change) {
        SubmitMessage s = new SubmitMessage(
                UUID.randomUUID(), poisonOrganization.id(), Instant.now(), email("poison@example.org"), null, null);
        ObjectNode json = (ObjectNode) ContractJson.mapper().readTree(ContractJson.write(s));
        change.accept(json);
        return ContractJson.mapper().writeValueAsBytes(json);
    }

    private static ActivityReport opened(UUID messageId, String event, Map<String, Object> details) {
        return new ActivityReport(
                Ids.providerEvent("sandbox", "poison-test-" + event + "-" + messageId),
                messageId,
                null,
                "sandbox",
                MessageStatus.OPENED,
                Instant.now(),
                "batch-" + messageId + "@example.org",
                "open",
                details,
                null,
                null);
    }

    /** A valid event for a message nobody sent, changed by {@code change}. */
    private static ActivityReport poisonReport(Consumer<ObjectNode> change) {
        return ContractJson.read(poisonReportJson(change), ActivityReport.class);
    }

    private static byte[] poisonReportJson(Consumer<ObjectNode> change) {
        ActivityReport r = ActivityReport.event(
                UUID.randomUUID(),
                UUID.randomUUID(),
                "p-" + UUID.randomUUID(),
                "sandbox",
                MessageStatus.DELIVERED,
                Instant.now(),
                "poison@example.org",
                "delivered",
                Map.of());
        ObjectNode json = (ObjectNode) ContractJson.mapper().readTree(ContractJson.write(r));
        change.accept(json);
        return ContractJson.mapper().writeValueAsBytes(json);
    }

    private static Message report(ActivityReport r) {
        return amqp(new Poison(
                QueueNames.TRACKING,
                r.id().toString(),
                MessageTypes.ACTIVITY_V1,
                ContractJson.write(r),
                Map.of(),
                "ordinary"));
    }

    private static Message amqp(Poison p) {
        MessageProperties props = new MessageProperties();
        props.setMessageId(p.messageId());
        props.setType(p.type());
        p.headers().forEach(props::setHeader);
        Message message = new Message(p.body(), props);
        if (!QueueNames.MAILBOX.equals(p.queue())) {
            return message;
        }
        // Signed, as every mailbox message must be: the ordinary ones with the first organization's key (theirs),
        // the poison with the poison organization's.
        return "ordinary".equals(p.what())
                ? MailboxSigning.signed(message)
                : MailboxSigning.signed(message, poisonOrganization.key());
    }

    /** Publishes with the queue's operator consumer stopped, so that what is published meets in one batch when it starts. */
    private void publishTogether(String listenerId, String queue, Consumer<Consumer<Message>> messages) {
        AbstractMessageListenerContainer container = container(listenerId);
        container.stop();
        try {
            // The way an application (mailbox) or Mailroom's own process (the other queues) publishes there.
            messages.accept(m -> rabbit.send(QueueNames.exchangeOf(queue), queue, m));
        } finally {
            container.start();
        }
    }

    private AbstractMessageListenerContainer container(String id) {
        return (AbstractMessageListenerContainer) listeners.getListenerContainer(id);
    }

    private void awaitDeadLetteredOnce(Poison p) {
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetterRows(p) >= 1);
        assertThat(deadLetterRows(p))
                .as("dead letters for %s (%s)", p.what(), p.storedIdPrefix())
                .isEqualTo(1);
        String queue = jdbc.queryForObject(
                "SELECT queue FROM dead_letters WHERE message_id LIKE ?", String.class, p.storedIdPrefix() + "%");
        if (!QueueNames.DEAD_LETTERS.equals(p.queue())) {
            assertThat(queue)
                    .as("the queue %s was dead-lettered from", p.what())
                    .isEqualTo(p.queue());
        }
    }

    private int deadLetterRows(Poison p) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM dead_letters WHERE message_id LIKE ?", Integer.class, p.storedIdPrefix() + "%");
    }

    /** The admin API lists each poison once, with its reason. */
    private void assertListedOnce(List<Poison> poisons) {
        ApiClient.Response response = api.get("/api/v1/dead-letters?limit=500");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        for (Poison p : poisons) {
            int listed = 0;
            for (JsonNode item : response.json().get("items")) {
                String id = item.path("messageId").asString("");
                if (id.startsWith(p.storedIdPrefix())) {
                    listed++;
                    assertThat(item.get("reason").asString())
                            .as("reason for " + p.what())
                            .isNotBlank();
                }
            }
            assertThat(listed).as("listed dead letters for " + p.what()).isEqualTo(1);
        }
    }

    /** Waits until every message shows the status through the API (one look per message still pending, per round). */
    private void awaitAll(List<UUID> ids, String status) {
        Set<UUID> pending = new HashSet<>(ids);
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    pending.removeIf(id -> {
                        JsonNode message = api.message(id.toString());
                        return message != null
                                && status.equals(message.get("status").asString());
                    });
                    return pending.isEmpty();
                });
    }

    private void awaitEmpty(String queue) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Properties props = admin.getQueueProperties(queue);
            return props != null && ((Number) props.get(RabbitAdmin.QUEUE_MESSAGE_COUNT)).intValue() == 0;
        });
    }
}
