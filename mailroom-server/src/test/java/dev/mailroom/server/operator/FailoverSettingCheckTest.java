package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.SettingChange;
import dev.mailroom.contracts.SettingNames;
import dev.mailroom.server.support.EndToEndTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The operator checks a failover order on the control queue itself, whoever sent it: a wrong one is
 * dead-lettered with its reason and stores nothing (the API refuses it first; this is the second line).
 */
@EndToEndTest
class FailoverSettingCheckTest {
    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    JdbcTemplate jdbc;

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "smtp,carrier-pigeon | unknown provider 'carrier-pigeon' for failover",
                "smtp,sandbox,smtp   | provider 'smtp' twice in failover"
            })
    void aWrongFailoverOrderOnTheControlQueueIsDeadLetteredAndStoresNothing(String value, String reason) {
        long versionBefore = settingsVersion();
        String id = "failover-check-" + UUID.randomUUID();
        MessageProperties props = new MessageProperties();
        props.setMessageId(id);
        props.setType(MessageTypes.SETTING_V1);

        rabbit.send(
                "",
                QueueNames.CONTROL,
                new Message(ContractJson.write(new SettingChange(SettingNames.FAILOVER, value, Instant.now())), props));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM dead_letters WHERE message_id = ? AND queue = ?",
                                Integer.class,
                                id,
                                QueueNames.CONTROL)
                        == 1);
        assertThat(jdbc.queryForObject("SELECT reason FROM dead_letters WHERE message_id = ?", String.class, id))
                .contains(reason);
        assertThat(settingsVersion()).as("settings version").isEqualTo(versionBefore);
    }

    private long settingsVersion() {
        Long version = jdbc.queryForObject("SELECT COALESCE(MAX(version), 0) FROM settings", Long.class);
        return version == null ? 0 : version;
    }
}
