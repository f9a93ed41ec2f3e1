package dev.mailroom.server.webhooks;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestSockets;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code POST /webhooks/sandbox} accepts exactly the correctly signed calls. The signature is
 * computed here independently (HMAC-SHA256 over "t.body"), not with the production helper.
 */
@EndToEndTest
class SandboxWebhookTest {
    private static final String SECRET = ApiClient.TEST_SANDBOX_SECRET;

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
    void aCorrectlySignedEventIsRecordedOnItsMessage() {
        String id = api.submit(ApiClient.email("ada@example.org"));
        awaitStatus(api, id, "DELIVERED");
        byte[] body = event(UUID.randomUUID().toString(), "clicked", id);

        Response response =
                post(body, TestSockets.sandboxSignature(SECRET, Instant.now().getEpochSecond(), body));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("received").asInt()).isEqualTo(1);
        awaitStatus(api, id, "CLICKED");
    }

    @Test
    void theSameEventPostedTwiceIsStoredOnce() {
        String id = api.submit(ApiClient.email("ada@example.org"));
        awaitStatus(api, id, "DELIVERED");
        String eventId = UUID.randomUUID().toString();
        byte[] body = event(eventId, "opened", id);

        assertThat(post(body, TestSockets.sandboxSignature(SECRET, Instant.now().getEpochSecond(), body))
                        .status())
                .isEqualTo(200);
        assertThat(post(body, TestSockets.sandboxSignature(SECRET, Instant.now().getEpochSecond(), body))
                        .status())
                .isEqualTo(200);

        awaitStatus(api, id, "OPENED");
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM activities WHERE message_id = ? AND status = 'OPENED'",
                                Integer.class,
                                UUID.fromString(id))
                        == 1);
    }

    @Test
    void aChangedByteIsRefused() {
        byte[] body = event("e1", "delivered", UUID.randomUUID().toString());
        String signature = TestSockets.sandboxSignature(SECRET, Instant.now().getEpochSecond(), body);
        body[body.length - 3] ^= 1;

        assertUnauthorized(post(body, signature), "does not match");
    }

    @Test
    void aChangedTimestampIsRefused() {
        byte[] body = event("e2", "delivered", UUID.randomUUID().toString());
        long t = Instant.now().getEpochSecond();
        String mac = TestSockets.sandboxSignature(SECRET, t, body).split("v1=")[1];

        assertUnauthorized(post(body, "t=" + (t + 1) + ",v1=" + mac), "does not match");
    }

    @Test
    void aWrongKeyIsRefused() {
        byte[] body = event("e3", "delivered", UUID.randomUUID().toString());

        assertUnauthorized(
                post(
                        body,
                        TestSockets.sandboxSignature(
                                "someone-elses-secret", Instant.now().getEpochSecond(), body)),
                "does not match");
    }

    @Test
    void aMissingSignatureIsRefused() {
        byte[] body = event("e4", "delivered", UUID.randomUUID().toString());

        assertUnauthorized(post(body, null), "missing");
    }

    @Test
    void anOldTimestampIsRefusedEvenWhenCorrectlySigned() {
        byte[] body = event("e5", "delivered", UUID.randomUUID().toString());
        long tenMinutesAgo = Instant.now().minusSeconds(600).getEpochSecond();

        assertUnauthorized(post(body, TestSockets.sandboxSignature(SECRET, tenMinutesAgo, body)), "old");
    }

    @Test
    void aCorrectlySignedButMalformedBodyIsABadRequest() {
        byte[] body = "{\"events\": [{\"id\": \"x\", \"event\": \"teleported\"}]}".getBytes(StandardCharsets.UTF_8);

        Response response =
                post(body, TestSockets.sandboxSignature(SECRET, Instant.now().getEpochSecond(), body));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void anUnknownProviderIsNotFound() {
        Response response = api.postRaw(
                "/webhooks/carrier-pigeon", "{}".getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");

        assertThat(response.status()).isEqualTo(404);
    }

    @Test
    void anOversizedBodyIsRefusedWithoutReadingItAll() {
        byte[] body = new byte[6 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) ' ');

        Response response =
                post(body, TestSockets.sandboxSignature(SECRET, Instant.now().getEpochSecond(), body));

        assertThat(response.status()).isEqualTo(413);
    }

    private Response post(byte[] body, String signature) {
        return signature == null
                ? api.postRaw("/webhooks/sandbox", body, "Content-Type", "application/json")
                : api.postRaw(
                        "/webhooks/sandbox",
                        body,
                        "Content-Type",
                        "application/json",
                        "X-Mailroom-Signature",
                        signature);
    }

    private static void assertUnauthorized(Response response, String reason) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().get("detail").asString()).contains(reason);
    }

    private static byte[] event(String eventId, String event, String mailroomId) {
        return ("{\"events\":[{\"id\":\"" + eventId + "\",\"event\":\"" + event + "\",\"mailroom_id\":\"" + mailroomId
                        + "\",\"message_id\":\"sandbox-test\",\"recipient\":\"ada@example.org\",\"timestamp\":\""
                        + Instant.now() + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
