package dev.mailroom.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.DeadLetterAction;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.SettingChange;
import dev.mailroom.contracts.SettingNames;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.MailboxSigning;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The mailbox is where every application publishes. A setting change or a dead-letter action
 * published there (by any AMQP client) is dead-lettered with its reason and changes nothing: only
 * Mailroom's own API sends those, on mailroom.control.
 */
@EndToEndTest
class MailboxControlRefusalTest {
    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    JdbcTemplate jdbc;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    @Test
    void aSettingChangePublishedOnTheMailboxIsDeadLetteredAndChangesNothing() {
        String before =
                api.get("/api/v1/settings").json().get("defaultProvider").asString();
        String target = "sandbox".equals(before) ? "smtp" : "sandbox";
        long versionBefore = settingsVersion();
        String id = "setting-by-a-client-" + UUID.randomUUID();

        publishOnTheMailbox(
                id,
                MessageTypes.SETTING_V1,
                ContractJson.write(new SettingChange(SettingNames.DEFAULT_PROVIDER, target, Instant.now())));

        String reason = awaitDeadLettered(id);
        assertThat(reason).contains("control messages are not accepted on the mailbox");
        assertThat(settingsVersion()).as("settings version").isEqualTo(versionBefore);
        assertThat(api.get("/api/v1/settings").json().get("defaultProvider").asString())
                .isEqualTo(before);
    }

    @Test
    void aDeadLetterActionPublishedOnTheMailboxIsDeadLetteredAndResolvesNothing() {
        String victim = "victim-" + UUID.randomUUID();
        publishOnTheMailbox(victim, MessageTypes.SUBMIT_V1, "not json".getBytes(StandardCharsets.UTF_8));
        awaitDeadLettered(victim);
        UUID victimRow = jdbc.queryForObject("SELECT id FROM dead_letters WHERE message_id = ?", UUID.class, victim);
        String id = "discard-by-a-client-" + UUID.randomUUID();

        publishOnTheMailbox(
                id,
                MessageTypes.DEAD_LETTER_V1,
                ContractJson.write(new DeadLetterAction(victimRow, DeadLetterAction.DISCARD, Instant.now())));

        assertThat(awaitDeadLettered(id)).contains("control messages are not accepted on the mailbox");
        assertThat(jdbc.queryForObject(
                        "SELECT resolved_at IS NULL FROM dead_letters WHERE id = ?", Boolean.class, victimRow))
                .as("the dead letter is still open")
                .isTrue();
    }

    @Test
    void theAdminApiStillResolvesDeadLettersThroughTheControlQueue() {
        String victim = "victim-" + UUID.randomUUID();
        publishOnTheMailbox(victim, MessageTypes.SUBMIT_V1, "not json".getBytes(StandardCharsets.UTF_8));
        awaitDeadLettered(victim);
        UUID victimRow = jdbc.queryForObject("SELECT id FROM dead_letters WHERE message_id = ?", UUID.class, victim);

        assertThat(api.post("/api/v1/dead-letters/" + victimRow + "/discard", "")
                        .status())
                .isEqualTo(202);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> "discarded"
                        .equals(jdbc.queryForObject(
                                "SELECT resolution FROM dead_letters WHERE id = ?", String.class, victimRow)));
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM dead_letters WHERE queue = ? AND message_id LIKE 'dead-letter:%'",
                        Integer.class, QueueNames.MAILBOX))
                .as("the API's own actions are not dead-lettered as control messages on the mailbox")
                .isZero();
    }

    private long settingsVersion() {
        Long version = jdbc.queryForObject("SELECT COALESCE(MAX(version), 0) FROM settings", Long.class);
        return version == null ? 0 : version;
    }

    private void publishOnTheMailbox(String messageId, String type, byte[] body) {
        MessageProperties props = new MessageProperties();
        props.setMessageId(messageId);
        props.setType(type);
        // Signed with a key that may send: a control message is refused on the mailbox even so.
        rabbit.send(QueueNames.MAILBOX_EXCHANGE, QueueNames.MAILBOX, MailboxSigning.signed(new Message(body, props)));
    }

    private String awaitDeadLettered(String messageId) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM dead_letters WHERE message_id = ? AND queue = ?",
                                Integer.class,
                                messageId,
                                QueueNames.MAILBOX)
                        == 1);
        return jdbc.queryForObject("SELECT reason FROM dead_letters WHERE message_id = ?", String.class, messageId);
    }
}
