package dev.mailroom.server.dispatcher;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import dev.mailroom.contracts.ActivityBatch;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.DeliveryOutcome.RecipientOutcome;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The dispatcher's reports for a relay that took an email for one recipient, refused one for good
 * and one for now (what {@code PostfixPartialSendIT} gets from a real Postfix), as the operator and
 * the API take them: each recipient gets its own status, the hard bounce suppresses its address,
 * and the retry goes to the deferred recipient alone, through the real dispatcher and smtp
 * provider (GreenMail).
 *
 * <p>The reports are published as the dispatcher publishes them (one batch on the tracking queue)
 * for a message held back by its send time: the end-to-end suite's relay (GreenMail) takes every
 * recipient, so it cannot produce them itself.
 */
@EndToEndTest
class PerRecipientReportsEndToEndTest {
    @LocalServerPort
    int port;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    GreenMail greenMail;

    @Test
    void eachRecipientKeepsItsOwnVerdictAndOnlyTheDeferredOneIsSentAgain() {
        TestOrganizations.Organization organization = TestOrganizations.create(port, "smtp-partial-", "send", "read");
        ApiClient api = new ApiClient(port).as(organization.key());
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String valid = "valid+" + tag + "@example.org";
        String rejected = "Rejected+" + tag + "@example.org";
        String deferred = "deferred+" + tag + "@example.org";
        // The deferred recipient is a Cc: the retry, with the To done with, sends it the email as its To.
        String id = api.submit(ApiClient.email(
                valid,
                "{\"provider\":\"smtp\",\"cc\":[{\"email\":\"" + deferred + "\"}],\"bcc\":[{\"email\":\"" + rejected
                        + "\"}],\"sendAt\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"}"));
        awaitStatus(api, id, "SCHEDULED");
        UUID messageId = UUID.fromString(id);
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of(valid)),
                List.of(Recipient.of(deferred)),
                List.of(Recipient.of(rejected)),
                null,
                "Hello",
                "Hello from the tests",
                null,
                null,
                null,
                null,
                null);
        String rejectedReply = "550 5.1.1 <" + rejected + ">: Recipient address rejected: User unknown";
        DeliveryOutcome.PerRecipient split = new DeliveryOutcome.PerRecipient(
                "<" + id + "@example.com>",
                List.of(
                        RecipientOutcome.deferred(
                                deferred, "450 4.2.1 <" + deferred + ">: Recipient address rejected: busy", 450),
                        RecipientOutcome.accepted(valid),
                        RecipientOutcome.bounced(rejected, rejectedReply, 550)));

        publish(DispatchReports.of(
                new DispatchCommand(messageId, organization.id(), 1, "smtp", email), "smtp", split, Instant.now()));

        // The retry: attempt 2, to the deferred recipient only, through the real dispatcher to GreenMail.
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(recipientStatuses(messageId))
                        .containsEntry(valid, "DISPATCHED")
                        .containsEntry(deferred, "DISPATCHED"));
        // Not sent to again, and its BOUNCED stands: the retry's look at the suppression list (where the bounce
        // put it) leaves a recipient done with as it is.
        assertThat(recipientStatuses(messageId).get(Address.normalize(rejected)))
                .isEqualTo("BOUNCED");
        assertThat(statuses(api.message(id))).doesNotContain("SUPPRESSED");
        List<MimeMessage> copies = await().atMost(Duration.ofSeconds(10)).until(() -> copiesOf(id), c -> !c.isEmpty());
        assertThat(greenMail
                        .findReceivedMessages(u -> u.getEmail().equals(deferred), m -> id.equals(header(m)))
                        .count())
                .as("the deferred recipient's copy")
                .isEqualTo(1);
        assertThat(copies).as("copies relayed, one per envelope recipient").hasSize(1);

        JsonNode message = api.message(id);
        JsonNode bounce = activity(message, "BOUNCED");
        assertThat(bounce.path("recipient").asString()).isEqualTo(rejected);
        assertThat(bounce.path("details").path("bounceType").asString()).isEqualTo("hard");
        assertThat(bounce.path("details").path("reason").asString()).isEqualTo(rejectedReply);
        assertThat(bounce.path("details").path("smtpCode").asInt()).isEqualTo(550);
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(jdbc.queryForList(
                                "SELECT reason FROM suppressions WHERE organization_id = ? AND email = ?",
                                String.class,
                                organization.id(),
                                Address.normalize(rejected)))
                        .containsExactly("hard-bounce"));
    }

    private void publish(List<ActivityReport> reports) {
        ActivityBatch batch = new ActivityBatch(reports);
        MessageProperties props = new MessageProperties();
        props.setMessageId(batch.amqpMessageId());
        props.setType(batch.envelope().type());
        rabbit.send("", QueueNames.TRACKING, new Message(ContractJson.write(batch), props));
    }

    /** Each recipient's own status, by normalized address. */
    private Map<String, String> recipientStatuses(UUID messageId) {
        Map<String, String> statuses = new HashMap<>();
        jdbc.query(
                "SELECT email, status FROM message_recipients WHERE message_id = ?",
                rs -> {
                    statuses.put(Address.normalize(rs.getString("email")), rs.getString("status"));
                },
                messageId);
        return statuses;
    }

    private List<MimeMessage> copiesOf(String id) {
        return java.util.Arrays.stream(greenMail.getReceivedMessages())
                .filter(m -> id.equals(header(m)))
                .toList();
    }

    private static JsonNode activity(JsonNode message, String status) {
        for (JsonNode activity : message.get("activities")) {
            if (status.equals(activity.get("status").asString())) {
                return activity;
            }
        }
        throw new AssertionError("no " + status + " activity in " + message);
    }

    private static String header(MimeMessage message) {
        try {
            return message.getHeader("X-Mailroom-Id", null);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
