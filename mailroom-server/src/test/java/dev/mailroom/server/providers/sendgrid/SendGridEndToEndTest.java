package dev.mailroom.server.providers.sendgrid;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.EndToEndTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * An email submitted with {@code "provider": "sendgrid"} goes to the fake SendGrid API and is then
 * tracked by signed Event Webhook batches, as SendGrid would post them. Each test stubs SendGrid
 * for its own recipient, so it touches nothing of the other tests in the shared context.
 */
@EndToEndTest
class SendGridEndToEndTest {
    private static final String SEND = "/sendgrid/v3/mail/send";

    @LocalServerPort
    int port;

    @Autowired
    WireMockServer providerFakes;

    @Autowired
    JdbcTemplate jdbc;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    private static String recipient() {
        return "sg-" + UUID.randomUUID() + "@example.org";
    }

    /** SendGrid's id looks like 22 characters of URL-safe base64. */
    private static String newXMessageId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 22);
    }

    private static MappingBuilder sendTo(String recipient) {
        return post(urlEqualTo(SEND))
                .withHeader("Authorization", equalTo("Bearer SG.test-key"))
                .withRequestBody(matchingJsonPath("$.personalizations[0].to[0].email", equalTo(recipient)));
    }

    private static String event(
            String type, String eventId, String email, String mailroomId, String xMessageId, String extra) {
        return "{\"email\":\"" + email + "\",\"timestamp\":" + Instant.now().getEpochSecond() + ",\"event\":\"" + type
                + "\","
                + "\"sg_event_id\":\"" + eventId + "\",\"sg_message_id\":\"" + xMessageId
                + ".recvd-5f4f6d6b4c-xv2kk-1-6560F0B4-3.0\""
                + (mailroomId == null ? "" : ",\"mailroom_id\":\"" + mailroomId + "\"")
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private Response postSigned(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        return postWebhook(bytes, timestamp, SendGridTestKeys.sign(timestamp, bytes));
    }

    private Response postWebhook(byte[] body, String timestamp, String signature) {
        return api.postRaw(
                "/webhooks/sendgrid",
                body,
                "Content-Type",
                "application/json",
                "X-Twilio-Email-Event-Webhook-Signature",
                signature,
                "X-Twilio-Email-Event-Webhook-Timestamp",
                timestamp);
    }

    @Test
    void anEmailSentThroughSendGridIsTrackedThroughOneSignedBatchOfEvents() {
        String to = recipient();
        String xMessageId = newXMessageId();
        providerFakes.stubFor(
                sendTo(to).willReturn(aResponse().withStatus(202).withHeader("X-Message-Id", xMessageId)));

        String id = api.submit(ApiClient.email(to, "{\"provider\":\"sendgrid\",\"tags\":[\"welcome\"]}"));
        JsonNode dispatched = awaitStatus(api, id, "DISPATCHED");

        assertThat(dispatched.get("provider").asString()).isEqualTo("sendgrid");
        assertThat(dispatched.get("providerMessageId").asString()).isEqualTo(xMessageId);
        providerFakes.verify(postRequestedFor(urlEqualTo(SEND))
                .withRequestBody(matchingJsonPath("$.custom_args.mailroom_id", equalTo(id)))
                .withRequestBody(matchingJsonPath("$.categories[0]", equalTo("welcome"))));

        // SendGrid batches: one call, several events. The open carries no mailroom_id and is
        // matched by the X-Message-Id recorded at dispatch.
        String batch = "["
                + String.join(
                        ",",
                        event("processed", "p-" + id, to, id, xMessageId, ""),
                        event("delivered", "d-" + id, to, id, xMessageId, "\"response\":\"250 2.0.0 OK\""),
                        event(
                                "open",
                                "o-" + id,
                                to,
                                null,
                                xMessageId,
                                "\"useragent\":\"Mozilla/5.0\",\"sg_machine_open\":false"),
                        event(
                                "click",
                                "c-" + id,
                                to,
                                id,
                                xMessageId,
                                "\"url\":\"https://example.com/welcome\",\"useragent\":\"Mozilla/5.0\""))
                + "]\r\n";
        Response response = postSigned(batch);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("received").asInt()).isEqualTo(4);
        JsonNode clicked = awaitStatus(api, id, "CLICKED");
        assertThat(statuses(clicked)).contains("ACCEPTED", "QUEUED", "DISPATCHED", "DELIVERED", "OPENED", "CLICKED");
        JsonNode opened = activity(clicked, "OPENED");
        assertThat(opened.get("provider").asString()).isEqualTo("sendgrid");
        assertThat(opened.get("recipient").asString()).isEqualTo(to);
        assertThat(opened.get("details").get("machineOpen").asBoolean()).isFalse();

        // SendGrid posts a batch again when it missed our answer: nothing is stored twice.
        assertThat(postSigned(batch).status()).isEqualTo(200);
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM activities WHERE message_id = ? AND provider_event IS NOT NULL",
                                Integer.class,
                                UUID.fromString(id))
                        == 4);
    }

    @Test
    void aBounceIsRecordedAndNothingLaterLowersIt() {
        String to = recipient();
        String xMessageId = newXMessageId();
        providerFakes.stubFor(
                sendTo(to).willReturn(aResponse().withStatus(202).withHeader("X-Message-Id", xMessageId)));
        String id = api.submit(ApiClient.email(to, "{\"provider\":\"sendgrid\"}"));
        awaitStatus(api, id, "DISPATCHED");

        assertThat(postSigned("["
                                + event(
                                        "bounce",
                                        "b-" + id,
                                        to,
                                        id,
                                        xMessageId,
                                        "\"type\":\"bounce\",\"status\":\"5.1.1\",\"reason\":\"550 5.1.1 no such user\"")
                                + "]")
                        .status())
                .isEqualTo(200);
        assertThat(postSigned("[" + event("delivered", "d-" + id, to, id, xMessageId, "") + "]")
                        .status())
                .isEqualTo(200);

        JsonNode message = awaitStatus(api, id, "BOUNCED");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> statuses(api.message(id)).contains("DELIVERED"));
        assertThat(api.message(id).get("status").asString()).isEqualTo("BOUNCED");
        assertThat(activity(message, "BOUNCED").get("details").get("bounceType").asString())
                .isEqualTo("hard");
    }

    @Test
    void aSendSendGridRefusesFailsWithSendGridsReason() {
        String to = recipient();
        providerFakes.stubFor(
                sendTo(to)
                        .willReturn(
                                aResponse()
                                        .withStatus(400)
                                        .withHeader("Content-Type", "application/json")
                                        .withBody(
                                                "{\"errors\":[{\"message\":\"The from address does not match a verified Sender Identity.\",\"field\":\"from\"}]}")));

        String id = api.submit(ApiClient.email(to, "{\"provider\":\"sendgrid\"}"));
        JsonNode failed = awaitStatus(api, id, "FAILED");

        assertThat(activity(failed, "FAILED").get("details").get("reason").asString())
                .isEqualTo("sendgrid answered 400: from: The from address does not match a verified Sender Identity.");
        providerFakes.verify(
                1,
                postRequestedFor(urlEqualTo(SEND))
                        .withRequestBody(matchingJsonPath("$.custom_args.mailroom_id", equalTo(id))));
    }

    @Test
    void aRateLimitedSendIsRetriedAndThenAccepted() {
        String to = recipient();
        String scenario = "rate-limit-" + to;
        providerFakes.stubFor(sendTo(to)
                .inScenario(scenario)
                .whenScenarioStateIs(STARTED)
                .willSetStateTo("after-limit")
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Retry-After", "1")
                        .withBody("{\"errors\":[{\"field\":null,\"message\":\"too many requests\"}]}")));
        providerFakes.stubFor(sendTo(to)
                .inScenario(scenario)
                .whenScenarioStateIs("after-limit")
                .willReturn(aResponse().withStatus(202).withHeader("X-Message-Id", "limited-then-ok")));

        String id = api.submit(ApiClient.email(to, "{\"provider\":\"sendgrid\"}"));
        JsonNode dispatched = awaitStatus(api, id, "DISPATCHED");

        assertThat(statuses(dispatched)).containsSubsequence("DEFERRED", "DISPATCHED");
        assertThat(activity(dispatched, "DEFERRED").get("details").get("reason").asString())
                .isEqualTo("sendgrid answered 429: too many requests");
        assertThat(dispatched.get("providerMessageId").asString()).isEqualTo("limited-then-ok");
    }

    @Test
    void eventsOfAMessageMailroomDoesNotKnowAreKeptUnmatched() {
        String xMessageId = newXMessageId();

        assertThat(postSigned("[" + event("delivered", "u-" + xMessageId, "someone@example.org", null, xMessageId, "")
                                + "]")
                        .status())
                .isEqualTo(200);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM activities WHERE provider_message_id = ? AND message_id IS NULL",
                                Integer.class,
                                xMessageId)
                        == 1);
    }

    @Test
    void forgedStaleOrUnsignedCallsAreRefused() {
        byte[] body = ("[" + event("delivered", "f-1", "ada@example.org", null, "x", "") + "]")
                .getBytes(StandardCharsets.UTF_8);
        String now = Long.toString(Instant.now().getEpochSecond());
        String tenMinutesAgo = Long.toString(Instant.now().minusSeconds(600).getEpochSecond());

        assertUnauthorized(
                postWebhook(body, now, SendGridTestKeys.sign(now, "[]".getBytes(StandardCharsets.UTF_8))),
                "does not match");
        assertUnauthorized(postWebhook(body, tenMinutesAgo, SendGridTestKeys.sign(tenMinutesAgo, body)), "old");
        assertUnauthorized(api.postRaw("/webhooks/sendgrid", body, "Content-Type", "application/json"), "missing");
    }

    @Test
    void aCorrectlySignedBodyThatIsNotAnEventArrayIsABadRequest() {
        Response response = postSigned("{\"event\":\"delivered\"}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    private static void assertUnauthorized(Response response, String reason) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().get("detail").asString()).contains(reason);
    }

    private static JsonNode activity(JsonNode message, String status) {
        for (JsonNode a : message.get("activities")) {
            if (status.equals(a.get("status").asString())) {
                return a;
            }
        }
        throw new AssertionError("no " + status + " activity in " + message);
    }
}
