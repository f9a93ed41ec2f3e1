package dev.mailroom.server.pipeline;

import static dev.mailroom.server.support.Timelines.awaitMessage;
import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
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
 * Suppression lists and per-recipient statuses in the pipeline (issue 13, items 1 and 3): what bounces hard,
 * complains or keeps bouncing soft is not sent to again, by any provider; the other recipients of an email are
 * sent to as usual; each recipient of an email of several has its own status. Each test has an organization of its
 * own: a list is per organization.
 */
@EndToEndTest
class SuppressionEndToEndTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RabbitTemplate rabbit;

    private ApiClient organization(String prefix) {
        return new ApiClient(port)
                .as(TestOrganizations.create(port, prefix, "send", "read").key());
    }

    @Test
    void aHardBounceSuppressesTheAddressAndTheNextEmailToItIsNeverHandedToAProvider() {
        ApiClient api = organization("suppress-hard-");
        String first = api.submit(ApiClient.email("bounce+hard@example.org"));
        awaitStatus(api, first, "BOUNCED");
        await().atMost(Duration.ofSeconds(20)).until(() -> reasonOf(first, "bounce+hard@example.org") != null);
        assertThat(reasonOf(first, "bounce+hard@example.org")).isEqualTo("hard-bounce");

        // Another spelling of the same address is the same address.
        String second = api.submit(ApiClient.email("Bounce+Hard@Example.org"));

        JsonNode message = awaitStatus(api, second, "SUPPRESSED");
        assertThat(statuses(message)).containsExactly("ACCEPTED", "SUPPRESSED");
        JsonNode suppressed = message.get("activities").get(1);
        assertThat(suppressed.path("recipient").asString()).isEqualTo("Bounce+Hard@Example.org");
        assertThat(suppressed.path("details").path("reason").asString()).isEqualTo("hard-bounce");
        assertThat(suppressed.path("details").path("sourceMessageId").asString())
                .isEqualTo(first);
        // Never queued, so no dispatcher and no provider saw it: nothing is due any more either.
        Map<String, Object> row = jdbc.queryForMap(
                "SELECT provider, next_attempt_at FROM messages WHERE id = ?", UUID.fromString(second));
        assertThat(row.get("provider")).isNull();
        assertThat(row.get("next_attempt_at")).isNull();
    }

    @Test
    void theOtherRecipientsOfAnEmailAreSentToAndEachHasItsOwnStatus() {
        ApiClient api = organization("suppress-some-");
        String bounced = api.submit(ApiClient.email("bounce+some@example.org"));
        awaitStatus(api, bounced, "BOUNCED");
        await().atMost(Duration.ofSeconds(20)).until(() -> reasonOf(bounced, "bounce+some@example.org") != null);

        String id = api.submit(
                ApiClient.email(
                        "open+some@example.org",
                        "{\"cc\":[{\"email\":\"bounce+some@example.org\"}],\"bcc\":[{\"email\":\"bounce+other@example.org\"}]}"));

        awaitMessage(
                api,
                id,
                m -> recipientStatuses(id).size() == 3
                        && "OPENED".equals(recipientStatuses(id).get("open+some@example.org"))
                        && "BOUNCED".equals(recipientStatuses(id).get("bounce+other@example.org")));
        assertThat(recipientStatuses(id))
                .containsEntry("open+some@example.org", "OPENED")
                .containsEntry("bounce+some@example.org", "SUPPRESSED")
                .containsEntry("bounce+other@example.org", "BOUNCED");
        // The summary is the most advanced status of the recipients sent to; the suppressed one was not.
        JsonNode message = api.message(id);
        assertThat(message.path("status").asString()).isEqualTo("BOUNCED");
        assertThat(statuses(message)).contains("SUPPRESSED", "DISPATCHED");
    }

    @Test
    void anEmailLeftWithoutAToRecipientIsNotSentToItsCcAlone() {
        ApiClient api = organization("suppress-to-");
        String bounced = api.submit(ApiClient.email("bounce+to@example.org"));
        awaitStatus(api, bounced, "BOUNCED");
        await().atMost(Duration.ofSeconds(20)).until(() -> reasonOf(bounced, "bounce+to@example.org") != null);

        String id = api.submit(
                ApiClient.email("bounce+to@example.org", "{\"cc\":[{\"email\":\"someone+cc@example.org\"}]}"));

        JsonNode message = awaitStatus(api, id, "FAILED");
        assertThat(statuses(message)).doesNotContain("QUEUED", "DISPATCHED");
        assertThat(recipientStatuses(id))
                .containsEntry("bounce+to@example.org", "SUPPRESSED")
                .containsEntry("someone+cc@example.org", "FAILED");
    }

    @Test
    void softBouncesInARowSuppressButADeliveryBetweenThemStartsTheCountAgain() {
        ApiClient api = organization("suppress-soft-");
        String address = "soft+" + UUID.randomUUID() + "@example.org";
        String id = api.submit(ApiClient.email(address));
        awaitStatus(api, id, "DELIVERED");
        UUID messageId = UUID.fromString(id);

        publish(softBounce(messageId, address, "1"), softBounce(messageId, address, "2"));
        await().atMost(Duration.ofSeconds(20)).until(() -> streakOf(id, address) == 2);
        // A redelivered bounce is the same bounce: it does not count again.
        publish(softBounce(messageId, address, "2"));
        publish(event(messageId, address, MessageStatus.DELIVERED, "d1", Map.of()));
        await().atMost(Duration.ofSeconds(20)).until(() -> streakOf(id, address) == 0);
        assertThat(reasonOf(id, address)).isNull();

        publish(softBounce(messageId, address, "3"), softBounce(messageId, address, "4"));
        publish(softBounce(messageId, address, "5"));
        await().atMost(Duration.ofSeconds(20)).until(() -> reasonOf(id, address) != null);
        assertThat(reasonOf(id, address)).isEqualTo("soft-bounces");
    }

    @Test
    void complaintsAndAProvidersOwnSuppressionSuppressToo() {
        ApiClient api = organization("suppress-more-");
        String complained = api.submit(ApiClient.email("complaint+more@example.org"));
        awaitStatus(api, complained, "COMPLAINED");
        await().atMost(Duration.ofSeconds(20)).until(() -> reasonOf(complained, "complaint+more@example.org") != null);
        assertThat(reasonOf(complained, "complaint+more@example.org")).isEqualTo("complaint");

        String address = "dropped+" + UUID.randomUUID() + "@example.org";
        String id = api.submit(ApiClient.email(address));
        awaitStatus(api, id, "DELIVERED");
        publish(event(
                UUID.fromString(id),
                address,
                MessageStatus.DROPPED,
                "drop",
                Map.of("suppression", "provider", "reason", "Bounced Address")));
        await().atMost(Duration.ofSeconds(20)).until(() -> reasonOf(id, address) != null);
        assertThat(reasonOf(id, address)).isEqualTo("provider");
    }

    /** The reason of the entry for {@code email} on the list of the organization of message {@code messageId}. */
    private String reasonOf(String messageId, String email) {
        List<String> reasons = jdbc.queryForList(
                "SELECT s.reason FROM suppressions s JOIN messages m ON m.organization_id = s.organization_id"
                        + " WHERE m.id = ? AND s.email = ?",
                String.class,
                UUID.fromString(messageId),
                email.toLowerCase(java.util.Locale.ROOT));
        return reasons.isEmpty() ? null : reasons.get(0);
    }

    private int streakOf(String messageId, String email) {
        List<Integer> bounces = jdbc.queryForList(
                "SELECT s.bounces FROM soft_bounce_streaks s JOIN messages m ON m.organization_id = s.organization_id"
                        + " WHERE m.id = ? AND s.email = ?",
                Integer.class,
                UUID.fromString(messageId),
                email);
        return bounces.isEmpty() ? 0 : bounces.get(0);
    }

    private Map<String, String> recipientStatuses(String messageId) {
        Map<String, String> statuses = new HashMap<>();
        jdbc.query(
                "SELECT email, status FROM message_recipients WHERE message_id = ?",
                rs -> {
                    statuses.put(rs.getString("email"), rs.getString("status"));
                },
                UUID.fromString(messageId));
        return statuses;
    }

    private static ActivityReport softBounce(UUID messageId, String recipient, String eventId) {
        return event(
                messageId,
                recipient,
                MessageStatus.BOUNCED,
                "soft-" + eventId,
                Map.of("bounceType", "soft", "reason", "452 4.2.2 mailbox full"));
    }

    private static ActivityReport event(
            UUID messageId, String recipient, MessageStatus status, String eventId, Map<String, Object> details) {
        return ActivityReport.event(
                Ids.providerEvent("sandbox", messageId + "-" + eventId),
                messageId,
                null,
                "sandbox",
                status,
                Instant.now(),
                recipient,
                status.name().toLowerCase(java.util.Locale.ROOT),
                details);
    }

    private void publish(ActivityReport... reports) {
        for (ActivityReport report : reports) {
            MessageProperties props = new MessageProperties();
            props.setMessageId(report.id().toString());
            props.setType(MessageTypes.ACTIVITY_V1);
            rabbit.send("", QueueNames.TRACKING, new Message(ContractJson.write(report), props));
        }
    }
}
