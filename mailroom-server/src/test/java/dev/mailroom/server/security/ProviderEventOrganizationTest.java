package dev.mailroom.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.support.BrokerUri;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Provider events touch only the message they are about: one matched by the provider's message id is
 * matched among that provider's sends only, so another provider's event whose id happens to be the same
 * string (about some other organization's email) is kept unmatched rather than put in this message's
 * timeline. (Matching by our own id, {@code mailroom_id}, names the message itself; senders keep an
 * application's own {@code mailroom_id} metadata from replacing ours.)
 */
@EndToEndTest
class ProviderEventOrganizationTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    Environment env;

    @Test
    void anotherProvidersEventWithTheSameProviderIdStaysOutOfTheMessage() throws Exception {
        TestOrganizations.Organization other = TestOrganizations.create(port, "events-other-", "send");
        UUID id;
        try (MailroomClient client = MailroomClient.connect(amqpUri(), other.key())) {
            id = client.submit(new Email(
                    Address.of("app@example.com"),
                    List.of(Recipient.of("ada@example.org")),
                    null,
                    null,
                    null,
                    "Events",
                    "hello",
                    null,
                    null,
                    null,
                    null,
                    null));
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> providerMessageIdOf(id) != null && "DELIVERED".equals(statusOf(id)));
        String providerId = providerMessageIdOf(id);
        ActivityReport foreign = bounce("sendgrid", providerId, id);
        ActivityReport own = bounce("sandbox", providerId, id);

        publish(foreign);
        publish(own);

        await().atMost(Duration.ofSeconds(20)).until(() -> recorded(foreign.id()) && recorded(own.id()));
        assertThat(messageIdOf(foreign.id()))
                .as("another provider's event is not this message's")
                .isNull();
        assertThat(messageIdOf(own.id())).as("the provider's own event is").isEqualTo(id);
    }

    private static ActivityReport bounce(String provider, String providerMessageId, UUID about) {
        return ActivityReport.event(
                Ids.providerEvent(provider, "org-test-" + about),
                null,
                providerMessageId,
                provider,
                MessageStatus.BOUNCED,
                Instant.now(),
                "ada@example.org",
                "bounce",
                Map.of());
    }

    private void publish(ActivityReport report) {
        MessageProperties props = new MessageProperties();
        props.setMessageId(report.id().toString());
        props.setType(MessageTypes.ACTIVITY_V1);
        rabbit.send("", QueueNames.TRACKING, new Message(ContractJson.write(report), props));
    }

    private boolean recorded(UUID activityId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM activities WHERE id = ?", Integer.class, activityId) == 1;
    }

    private UUID messageIdOf(UUID activityId) {
        return jdbc.queryForObject("SELECT message_id FROM activities WHERE id = ?", UUID.class, activityId);
    }

    private String providerMessageIdOf(UUID id) {
        return jdbc.query(
                "SELECT provider_message_id FROM messages WHERE id = ?", rs -> rs.next() ? rs.getString(1) : null, id);
    }

    private String statusOf(UUID id) {
        return jdbc.query("SELECT status FROM messages WHERE id = ?", rs -> rs.next() ? rs.getString(1) : null, id);
    }

    private String amqpUri() {
        return BrokerUri.of(env);
    }
}
