package dev.mailroom.server.pipeline;

import static dev.mailroom.server.support.Timelines.awaitActivity;
import static dev.mailroom.server.support.Timelines.awaitMessage;
import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.pipelineStatuses;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.RunAddresses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The whole pipeline, through real HTTP, a real AMQP broker and a real database: a submitted
 * email's timeline fills in as the sandbox provider reports, exactly as a user would see it.
 */
@EndToEndTest
class PipelineEndToEndTest {
    private static final String BOUNCE_BCC = RunAddresses.of("bounce+bcc");
    private static final String BOUNCE_X = RunAddresses.of("bounce+x");
    private static final String COMPLAINT_X = RunAddresses.of("complaint+x");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    @Test
    void aSubmittedEmailIsAcceptedQueuedDispatchedAndDeliveredInThatOrder() {
        String id = api.submit(ApiClient.email("ada@example.org"));

        // DISPATCHED (the dispatcher's report) and DELIVERED (the sandbox's webhook) travel apart: wait for both.
        JsonNode message = awaitMessage(
                api,
                id,
                m -> "DELIVERED".equals(m.get("status").asString())
                        && statuses(m).contains("DISPATCHED"));

        assertThat(pipelineStatuses(message)).containsExactly("ACCEPTED", "QUEUED", "DISPATCHED", "DELIVERED");
        assertThat(message.get("provider").asString()).isEqualTo("sandbox");
        assertThat(message.get("providerMessageId").asString()).startsWith("sandbox-");
        JsonNode delivered = message.get("activities").get(3);
        assertThat(delivered.get("recipient").asString()).isEqualTo("ada@example.org");
        assertThat(delivered.get("providerEvent").asString()).isEqualTo("delivered");
        assertOccurredInOrder(message);
    }

    @Test
    void aClickingRecipientAddsOpenedAndClicked() {
        String id = api.submit(ApiClient.email("click+x@example.org"));

        // The sandbox posts OPENED and CLICKED as two webhooks 50 ms apart: CLICKED may be
        // recorded first, and the status is CLICKED before OPENED is in the timeline.
        JsonNode message =
                awaitMessage(api, id, m -> statuses(m).containsAll(List.of("DISPATCHED", "OPENED", "CLICKED")));

        assertThat(pipelineStatuses(message))
                .containsExactly("ACCEPTED", "QUEUED", "DISPATCHED", "DELIVERED", "OPENED", "CLICKED");
        assertThat(message.get("activities").get(5).get("details").get("url").asString())
                .isEqualTo("https://example.com/welcome");
    }

    @Test
    void aBouncingRecipientEndsBouncedWithTheBounceDetails() {
        String id = api.submit(ApiClient.email(BOUNCE_X));

        JsonNode message = awaitStatus(api, id, "BOUNCED");

        assertThat(pipelineStatuses(message)).containsExactly("ACCEPTED", "QUEUED", "DISPATCHED", "BOUNCED");
        JsonNode details = message.get("activities").get(3).get("details");
        assertThat(details.get("bounceType").asString()).isEqualTo("hard");
        assertThat(details.get("reason").asString()).contains("550");
    }

    @Test
    void aDeferredRecipientIsDeliveredAfterTheDeferral() {
        String id = api.submit(ApiClient.email("defer+x@example.org"));

        JsonNode message = awaitActivity(api, id, "DELIVERED");

        assertThat(pipelineStatuses(message))
                .containsExactly("ACCEPTED", "QUEUED", "DISPATCHED", "DEFERRED", "DELIVERED");
        assertThat(message.get("status").asString()).isEqualTo("DELIVERED");
    }

    @Test
    void aComplaintFollowsTheDelivery() {
        String id = api.submit(ApiClient.email(COMPLAINT_X));

        JsonNode message = awaitStatus(api, id, "COMPLAINED");

        assertThat(pipelineStatuses(message))
                .containsExactly("ACCEPTED", "QUEUED", "DISPATCHED", "DELIVERED", "COMPLAINED");
    }

    @Test
    void everyRecipientGetsItsOwnEvents() {
        String id = api.submit(ApiClient.email(
                "ada@example.org",
                "{\"cc\":[{\"email\":\"open+cc@example.org\"}],\"bcc\":[{\"email\":\"" + BOUNCE_BCC + "\"}]}"));

        JsonNode message = awaitMessageWithEvents(id, 4);

        List<String> perRecipient = new ArrayList<>();
        message.get("activities").forEach(a -> {
            if (a.has("recipient")) {
                perRecipient.add(
                        a.get("recipient").asString() + " " + a.get("status").asString());
            }
        });
        assertThat(perRecipient)
                .containsExactlyInAnyOrder(
                        "ada@example.org DELIVERED",
                        "open+cc@example.org DELIVERED",
                        "open+cc@example.org OPENED",
                        BOUNCE_BCC + " BOUNCED");
        // The bounce of one recipient outranks the others' events: the status follows precedence.
        assertThat(message.get("status").asString()).isEqualTo("BOUNCED");
        assertThat(message.get("recipients")).hasSize(3);
    }

    @Test
    void aScheduledEmailWaitsUntilItsSendTime() {
        Instant sendAt = Instant.now().plusSeconds(2);
        String id = api.submit(ApiClient.email("ada@example.org", "{\"sendAt\":\"" + sendAt + "\"}"));

        JsonNode scheduled = awaitStatus(api, id, "SCHEDULED");
        assertThat(statuses(scheduled)).containsExactly("ACCEPTED", "SCHEDULED");

        JsonNode delivered = awaitStatus(api, id, "DELIVERED");
        assertThat(pipelineStatuses(delivered))
                .containsExactly("ACCEPTED", "SCHEDULED", "QUEUED", "DISPATCHED", "DELIVERED");
        Instant queuedAt = Instant.parse(
                delivered.get("activities").get(2).get("occurredAt").asString());
        assertThat(queuedAt).isAfterOrEqualTo(sendAt);
    }

    @Test
    void theSameIdempotencyKeyRecordsOneMessage() {
        String key = "order-" + UUID.randomUUID();
        String first = api.submit(ApiClient.email("ada@example.org"), "Idempotency-Key", key);
        String second = api.submit(ApiClient.email("ada@example.org"), "Idempotency-Key", key);

        assertThat(second).isEqualTo(first);
        awaitStatus(api, first, "DELIVERED");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM messages WHERE id = ?", Integer.class, UUID.fromString(first)))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM activities WHERE message_id = ? AND status = 'DISPATCHED'",
                        Integer.class,
                        UUID.fromString(first)))
                .isEqualTo(1);
    }

    @Test
    void thePipelineIsVisibleInThePrometheusMetrics() {
        String id = api.submit(ApiClient.email("ada@example.org"));
        awaitStatus(api, id, "DELIVERED");

        // Metrics need the admin key (or mailroom.management.metrics-token).
        String metrics = api.get("/actuator/prometheus").body();

        assertThat(metrics)
                .containsPattern("mailroom_operator_accepted_total \\d+")
                .containsPattern("mailroom_dispatch_outcomes_total\\{outcome=\"Accepted\",provider=\"sandbox\"} \\d+")
                .containsPattern("mailroom_webhooks_events_total\\{provider=\"sandbox\"} \\d+")
                .containsPattern("mailroom_operator_activity_reports_total\\{status=\"DELIVERED\"} \\d+");
    }

    private JsonNode awaitMessageWithEvents(String id, int providerEvents) {
        return dev.mailroom.server.support.Timelines.awaitMessage(api, id, m -> {
            int count = 0;
            for (JsonNode a : m.get("activities")) {
                count += a.has("recipient") ? 1 : 0;
            }
            return count >= providerEvents;
        });
    }

    private static void assertOccurredInOrder(JsonNode message) {
        Instant previous = Instant.MIN;
        for (JsonNode a : message.get("activities")) {
            Instant at = Instant.parse(a.get("occurredAt").asString());
            assertThat(at).isAfterOrEqualTo(previous);
            previous = at;
        }
    }
}
