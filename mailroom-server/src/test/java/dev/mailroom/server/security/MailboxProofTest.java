package dev.mailroom.server.security;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.CancelMessage;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MailboxProof;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.BrokerUri;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.MailboxSigning;
import dev.mailroom.server.support.TestOrganizations;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A message on the mailbox proves its organization with an API key's signature (issue 11, item 5): the
 * operator records it under the key's organization, and refuses — dead-letters with the reason, records
 * nothing — a message with no proof, a forged one, one naming another organization than its key's, and one
 * signed with a revoked or expired key or a key that may not send. On the embedded broker and H2, and on
 * RabbitMQ and PostgreSQL when the suite runs there.
 */
@EndToEndTest
class MailboxProofTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    Environment env;

    @Autowired
    RabbitListenerEndpointRegistry listeners;

    ApiClient api;

    /** Another organization with a key that may send; made once for the shared Mailroom. */
    private static TestOrganizations.Organization other;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        if (other == null) {
            other = TestOrganizations.create(port, "proof-other-", "send");
        }
    }

    @Test
    void aSubmissionSignedWithTheOrganizationsKeyIsDeliveredUnderThatOrganization() {
        UUID id = UUID.randomUUID();

        rabbit.send(QueueNames.MAILBOX_EXCHANGE, QueueNames.MAILBOX, MailboxSigning.signed(submission(id, "default")));

        awaitStatus(api, id.toString(), "DELIVERED");
        assertThat(organizationOf(id)).isEqualTo("default");
    }

    @Test
    void aSubmissionThroughTheDefaultExchangeAsOlderClientsPublishItIsStillDelivered() {
        UUID id = UUID.randomUUID();

        rabbit.send("", QueueNames.MAILBOX, MailboxSigning.signed(submission(id, "default")));

        awaitStatus(api, id.toString(), "DELIVERED");
        assertThat(organizationOf(id)).isEqualTo("default");
    }

    @Test
    void aSubmissionNamingNoOrganizationTakesItsKeys() {
        UUID id = UUID.randomUUID();

        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(submission(id, null), other.key()));

        await().atMost(Duration.ofSeconds(20)).until(() -> organizationOf(id) != null);
        assertThat(organizationOf(id)).isEqualTo(other.id());
        assertThat(api.get("/api/v1/messages/" + id).status())
                .as("the first organization does not see the other's message")
                .isEqualTo(404);
    }

    @Test
    void theJavaClientSignsWithItsKeyAndItsMessagesBelongToTheKeysOrganization() throws Exception {
        UUID ours;
        UUID theirs;
        try (MailroomClient client = MailroomClient.connect(amqpUri(), ApiClient.TEST_KEY);
                MailroomClient foreign = MailroomClient.connect(amqpUri(), other.key())) {
            ours = client.submit(email("ada@example.org"));
            theirs = foreign.submit(email("bob@example.org"));
        }

        awaitStatus(api, ours.toString(), "DELIVERED");
        await().atMost(Duration.ofSeconds(20)).until(() -> organizationOf(theirs) != null);
        assertThat(organizationOf(ours)).isEqualTo("default");
        assertThat(organizationOf(theirs)).isEqualTo(other.id());
    }

    @Test
    void theClientWithoutAKeyIsRefusedAtOnceSayingWhy() {
        assertThatThrownBy(() -> MailroomClient.connect(amqpUri()))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("connect(amqpUri, apiKey)");
        assertThatThrownBy(() -> MailroomClient.connect(amqpUri(), " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("API key");
    }

    @Test
    void anUnsignedSubmissionIsDeadLetteredWithTheReasonAndNotRecorded() {
        UUID id = UUID.randomUUID();

        rabbit.send(QueueNames.MAILBOX_EXCHANGE, QueueNames.MAILBOX, submission(id, "default"));

        assertThat(awaitDeadLettered(id.toString())).contains("no proof of organization");
        assertThat(organizationOf(id)).isNull();
    }

    @Test
    void aForgedSignatureIsDeadLetteredWithTheReasonAndNotRecorded() {
        UUID id = UUID.randomUUID();
        Message message = submission(id, "default");
        // Names the first organization's key, but signed with a key the sender made up.
        Map<String, String> forged = MailboxProof.headers(
                MailboxProof.keyId(ApiClient.TEST_KEY),
                MailboxProof.signingKey("made-up-key"),
                id.toString(),
                MessageTypes.SUBMIT_V1,
                message.getBody());
        forged.forEach(message.getMessageProperties()::setHeader);

        rabbit.send(QueueNames.MAILBOX_EXCHANGE, QueueNames.MAILBOX, message);

        assertThat(awaitDeadLettered(id.toString())).contains("signature").contains("does not match");
        assertThat(organizationOf(id)).isNull();
    }

    @Test
    void aSignedSubmissionWhoseMessageIdIsNotItsOwnIsDeadLetteredAndNotRecorded() {
        UUID id = UUID.randomUUID();
        Message message = submission(id, "default");
        // Signed properly, but under a message_id that names another email than its body.
        String otherId = UUID.randomUUID().toString();
        message.getMessageProperties().setMessageId(otherId);

        rabbit.send(QueueNames.MAILBOX_EXCHANGE, QueueNames.MAILBOX, MailboxSigning.signed(message));

        assertThat(awaitDeadLettered(otherId))
                .contains("message_id '" + otherId + "' is not this message's own")
                .contains("must carry message_id '" + id + "'");
        assertThat(organizationOf(id)).isNull();
    }

    @Test
    void aBodyChangedAfterSigningIsDeadLettered() {
        UUID id = UUID.randomUUID();
        Message signed = MailboxSigning.signed(submission(id, "default"));
        Message tampered = new Message(
                ContractJson.write(
                        new SubmitMessage(id, "default", Instant.now(), email("eve@example.org"), null, null)),
                signed.getMessageProperties());

        rabbit.send(QueueNames.MAILBOX_EXCHANGE, QueueNames.MAILBOX, tampered);

        assertThat(awaitDeadLettered(id.toString())).contains("does not match");
        assertThat(organizationOf(id)).isNull();
    }

    @Test
    void anUnknownKeyIdIsDeadLetteredWithTheReason() {
        UUID id = UUID.randomUUID();

        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(submission(id, "default"), "nobody's-key"));

        assertThat(awaitDeadLettered(id.toString())).contains("unknown key id");
        assertThat(organizationOf(id)).isNull();
    }

    @Test
    void anotherOrganizationsKeyCannotPutAMessageInTheFirstOrganization() {
        UUID id = UUID.randomUUID();

        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(submission(id, "default"), other.key()));

        assertThat(awaitDeadLettered(id.toString()))
                .contains("names organization 'default'")
                .contains("of organization '" + other.id() + "'");
        assertThat(organizationOf(id)).as("recorded under no organization").isNull();
    }

    @Test
    void aRevokedKeyIsDeadLetteredWithTheReason() {
        ApiClient.Response created = api.post("/api/v1/keys", "{\"name\":\"revoked\",\"scopes\":[\"send\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String keyId = created.json().path("key").path("id").asString();
        assertThat(api.post("/api/v1/keys/" + keyId + "/revoke", "").status()).isEqualTo(200);
        UUID id = UUID.randomUUID();

        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(
                        submission(id, null), created.json().path("secret").asString()));

        assertThat(awaitDeadLettered(id.toString())).contains("was revoked");
        assertThat(organizationOf(id)).isNull();
    }

    @Test
    void anExpiredKeyIsDeadLetteredWithTheReason() {
        ApiClient.Response created = api.post(
                "/api/v1/keys",
                "{\"name\":\"expiring\",\"scopes\":[\"send\"],\"expiresAt\":\""
                        + Instant.now().plus(Duration.ofDays(1)) + "\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        // Its day has passed (a test cannot wait a day; nor can a key be made expired through the API).
        jdbc.update(
                "UPDATE api_keys SET expires_at = ? WHERE id = ?",
                Timestamp.from(Instant.now().minusSeconds(60)),
                UUID.fromString(created.json().path("key").path("id").asString()));
        UUID id = UUID.randomUUID();

        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(
                        submission(id, null), created.json().path("secret").asString()));

        assertThat(awaitDeadLettered(id.toString())).contains("expired");
        assertThat(organizationOf(id)).isNull();
    }

    @Test
    void aKeyWithoutTheSendScopeIsDeadLetteredNamingTheScope() {
        ApiClient.Response created = api.post("/api/v1/keys", "{\"name\":\"reader\",\"scopes\":[\"read\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        UUID id = UUID.randomUUID();

        rabbit.send(
                QueueNames.MAILBOX_EXCHANGE,
                QueueNames.MAILBOX,
                MailboxSigning.signed(
                        submission(id, null), created.json().path("secret").asString()));

        assertThat(awaitDeadLettered(id.toString())).contains("lacks the scope 'send'");
        assertThat(organizationOf(id)).isNull();
    }

    @Test
    void anotherOrganizationsKeyCannotCancelTheFirstOrganizationsMessage() {
        String scheduled = api.submit(ApiClient.email(
                "later@example.org", "{\"sendAt\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"}"));
        awaitStatus(api, scheduled, "SCHEDULED");
        Message foreignCancel = MailboxSigning.signed(cancel(UUID.fromString(scheduled), "default"), other.key());

        rabbit.send(QueueNames.MAILBOX_EXCHANGE, QueueNames.MAILBOX, foreignCancel);

        assertThat(awaitDeadLettered("cancel:" + scheduled)).contains("names organization 'default'");
        assertThat(api.message(scheduled).get("status").asString()).isEqualTo("SCHEDULED");
    }

    @Test
    void inOneBatchTheSignedMessagesGoThroughAndEachRefusedOneIsDeadLetteredWithItsReason() {
        List<UUID> good = new ArrayList<>();
        Map<UUID, String> bad = new LinkedHashMap<>();
        AbstractMessageListenerContainer mailbox =
                (AbstractMessageListenerContainer) listeners.getListenerContainer("mailbox");
        // Published with the consumer stopped, so that they meet in one batch when it starts again.
        mailbox.stop();
        try {
            for (int i = 0; i < 20; i++) {
                UUID ok = UUID.randomUUID();
                good.add(ok);
                rabbit.send(
                        QueueNames.MAILBOX_EXCHANGE,
                        QueueNames.MAILBOX,
                        MailboxSigning.signed(submission(ok, "default")));
                if (i % 5 == 0) {
                    publishBad(bad, "no proof of organization", m -> m);
                    publishBad(bad, "names organization 'default'", m -> MailboxSigning.signed(m, other.key()));
                    publishBad(bad, "unknown key id", m -> MailboxSigning.signed(m, "nobody's-key"));
                }
            }
        } finally {
            mailbox.start();
        }

        good.forEach(id -> awaitStatus(api, id.toString(), "DELIVERED"));
        bad.forEach((id, reason) -> assertThat(awaitDeadLettered(id.toString())).contains(reason));
        bad.keySet().forEach(id -> assertThat(organizationOf(id)).isNull());
    }

    private void publishBad(Map<UUID, String> bad, String reason, UnaryOperator<Message> proof) {
        UUID id = UUID.randomUUID();
        bad.put(id, reason);
        rabbit.send(QueueNames.MAILBOX_EXCHANGE, QueueNames.MAILBOX, proof.apply(submission(id, "default")));
    }

    private static Message submission(UUID id, String organizationId) {
        MessageProperties props = new MessageProperties();
        props.setMessageId(id.toString());
        props.setType(MessageTypes.SUBMIT_V1);
        return new Message(
                ContractJson.write(new SubmitMessage(
                        id, organizationId, Instant.now(), email("proof-" + id + "@example.org"), null, null)),
                props);
    }

    private static Message cancel(UUID messageId, String organizationId) {
        CancelMessage cancel = new CancelMessage(messageId, organizationId, Instant.now());
        MessageProperties props = new MessageProperties();
        props.setMessageId(cancel.amqpMessageId());
        props.setType(MessageTypes.CANCEL_V1);
        return new Message(ContractJson.write(cancel), props);
    }

    private static Email email(String to) {
        return new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of(to)),
                null,
                null,
                null,
                "Proof",
                "hello",
                null,
                null,
                null,
                null,
                null);
    }

    private String organizationOf(UUID id) {
        return jdbc.query(
                "SELECT organization_id FROM messages WHERE id = ?", rs -> rs.next() ? rs.getString(1) : null, id);
    }

    private String awaitDeadLettered(String messageId) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM dead_letters WHERE message_id = ? AND queue = ?",
                                Integer.class,
                                messageId,
                                QueueNames.MAILBOX)
                        == 1);
        return jdbc.queryForObject("SELECT reason FROM dead_letters WHERE message_id = ?", String.class, messageId);
    }

    private String amqpUri() {
        return BrokerUri.of(env);
    }
}
