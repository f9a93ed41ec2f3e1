package dev.mailroom.server.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.notifier.WebhookReceiver.Received;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** The delivery log, replays and test sends through the REST API, against a real endpoint. */
@EndToEndTest
class WebhookDeliveriesApiTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final WebhookReceiver receiver = new WebhookReceiver();
    private UUID endpoint;

    @AfterEach
    void stop() {
        if (endpoint != null) {
            jdbc.update("UPDATE webhook_endpoints SET enabled = FALSE WHERE id = ?", endpoint);
        }
        receiver.close();
    }

    @Test
    void theLogShowsEachAttemptAndAReplayOrATestSendReachesTheEndpointSigned() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "hooks-api-", "send", "read", "admin");
        String secret = newSecret();
        endpoint = endpoint(org.id(), receiver.url(), "email.delivered", secret);
        ApiClient api = new ApiClient(port).as(org.key());
        List<String> probes = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    probes.add(api.submit(ApiClient.email("probe@example.org")));
                    return probes.stream().anyMatch(p -> !receiver.about(p).isEmpty());
                });
        String messageId = api.submit(ApiClient.email("logged@example.org"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !receiver.about(messageId).isEmpty());
        Received first = receiver.about(messageId).get(0);

        // The log: the delivery of that event, its attempt with status and latency.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode log = api.get("/api/v1/webhook-endpoints/" + endpoint + "/deliveries?state=delivered&limit=200")
                    .json();
            JsonNode item = find(log, first.id());
            assertThat(item).isNotNull();
            assertThat(item.path("eventType").asString()).isEqualTo("email.delivered");
            assertThat(item.path("state").asString()).isEqualTo("delivered");
            assertThat(item.path("payload").path("data").path("messageId").asString())
                    .isEqualTo(messageId);
            assertThat(item.path("attempts").get(0).path("statusCode").asInt()).isEqualTo(204);
            assertThat(item.path("attempts").get(0).has("latencyMs")).isTrue();
        });

        // Bad parameters: 422 naming them, and another organization's key finds no such endpoint.
        ApiClient.Response bad = api.get("/api/v1/webhook-endpoints/" + endpoint + "/deliveries?state=lost&limit=0");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body()).contains("\"state\"").contains("\"limit\"");
        TestOrganizations.Organization other = TestOrganizations.create(port, "hooks-other-", "send", "read", "admin");
        ApiClient foreign = new ApiClient(port).as(other.key());
        assertThat(foreign.get("/api/v1/webhook-endpoints/" + endpoint + "/deliveries")
                        .status())
                .isEqualTo(404);
        assertThat(foreign.post("/api/v1/webhook-endpoints/" + endpoint + "/test", "{}")
                        .status())
                .isEqualTo(404);

        // A replay of that one event: sent again under the same webhook-id, with the same body.
        ApiClient.Response replay =
                api.post("/api/v1/webhook-endpoints/" + endpoint + "/replay", "{\"eventId\":\"" + first.id() + "\"}");
        assertThat(replay.status()).as(replay.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.about(messageId).size() >= 2);
        Received again = receiver.about(messageId).get(1);
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(WebhookReceiver.text(again)).isEqualTo(WebhookReceiver.text(first));
        assertThat(StandardWebhooksVerifier.verifies(
                        secret, again.id(), again.timestamp(), again.body(), again.signature()))
                .isTrue();

        // A replay of a time range holding it.
        Instant occurred = Instant.parse(first.json().path("timestamp").asString());
        ApiClient.Response range = api.post(
                "/api/v1/webhook-endpoints/" + endpoint + "/replay",
                "{\"since\":\"" + occurred.minusSeconds(1) + "\",\"until\":\"" + occurred.plusSeconds(1) + "\"}");
        assertThat(range.status()).as(range.body()).isEqualTo(202);
        assertThat(range.json().path("eventIds").toString()).contains(first.id());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.about(messageId).size() >= 3);

        // Neither an event nor a range: 422 naming what is missing.
        ApiClient.Response neither = api.post("/api/v1/webhook-endpoints/" + endpoint + "/replay", "{}");
        assertThat(neither.status()).isEqualTo(422);
        assertThat(neither.body()).contains("since").contains("until");

        // A test send: webhook.test to this endpoint, though it subscribes to email.delivered only.
        ApiClient.Response test = api.post("/api/v1/webhook-endpoints/" + endpoint + "/test", "{}");
        assertThat(test.status()).as(test.body()).isEqualTo(202);
        String testId = test.json().path("eventId").asString();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.received().stream().anyMatch(r -> testId.equals(r.id())));
        Received sent = receiver.received().stream()
                .filter(r -> testId.equals(r.id()))
                .findFirst()
                .orElseThrow();
        assertThat(sent.type()).isEqualTo("webhook.test");
        assertThat(StandardWebhooksVerifier.verifies(
                        secret, sent.id(), sent.timestamp(), sent.body(), sent.signature()))
                .isTrue();
    }

    private static JsonNode find(JsonNode log, String eventId) {
        for (JsonNode item : log.path("items")) {
            if (eventId.equals(item.path("eventId").asString())) {
                return item;
            }
        }
        return null;
    }

    private UUID endpoint(String organization, String url, String types, String secret) {
        UUID id = UUID.randomUUID();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update(
                "INSERT INTO webhook_endpoints (id, organization_id, url, description, event_types, enabled, created_at,"
                        + " updated_at) VALUES (?,?,?,?,?,TRUE,?,?)",
                id,
                organization,
                url,
                "test endpoint",
                types,
                now,
                now);
        jdbc.update(
                "INSERT INTO webhook_secrets (id, endpoint_id, secret, created_at, expires_at) VALUES (?,?,?,?,NULL)",
                UUID.randomUUID(),
                id,
                secret,
                now);
        return id;
    }

    private static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }
}
