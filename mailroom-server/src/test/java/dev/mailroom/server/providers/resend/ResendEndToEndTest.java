package dev.mailroom.server.providers.resend;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.mailroom.server.support.Timelines.awaitActivity;
import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * An email submitted with {@code "provider": "resend"} goes to (a fake of) Resend's API, and
 * Resend's signed webhooks, sent to the running application, fill in its timeline: matched by
 * the {@code mailroom_id} tag, or by Resend's email id when the tag is missing.
 */
@EndToEndTest
class ResendEndToEndTest {
    /** The secret {@code EndToEndTest} configures for the resend webhook. */
    private static final SvixSignature SVIX = new SvixSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

    @LocalServerPort
    int port;

    @Autowired
    WireMockServer providerFakes;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    @Test
    void anEmailSentThroughResendIsDispatchedAndResendsEventsFillItsTimeline() {
        String recipient = "ada+" + UUID.randomUUID() + "@example.org";
        String resendId = UUID.randomUUID().toString();
        // Only this test's email matches, so other tests sharing the fake are not disturbed.
        providerFakes.stubFor(post(urlEqualTo("/resend/emails"))
                .withRequestBody(matchingJsonPath("$.to[0]", equalTo(recipient)))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"" + resendId + "\"}")));

        String id = api.submit(ApiClient.email(recipient, "{\"provider\":\"resend\",\"tags\":[\"welcome\"]}"));

        JsonNode dispatched = awaitStatus(api, id, "DISPATCHED");
        assertThat(dispatched.get("provider").asString()).isEqualTo("resend");
        assertThat(dispatched.get("providerMessageId").asString()).isEqualTo(resendId);
        providerFakes.verify(
                1,
                postRequestedFor(urlEqualTo("/resend/emails"))
                        .withHeader("Authorization", equalTo("Bearer re_test_key"))
                        .withHeader("Idempotency-Key", equalTo("mailroom-" + id))
                        .withRequestBody(matchingJsonPath("$.to[0]", equalTo(recipient)))
                        .withRequestBody(matchingJsonPath("$.from", equalTo("Example App <app@example.com>")))
                        .withRequestBody(matchingJsonPath("$.tags[0].name", equalTo("mailroom_id")))
                        .withRequestBody(matchingJsonPath("$.tags[0].value", equalTo(id)))
                        .withRequestBody(matchingJsonPath("$.tags[1].name", equalTo("welcome"))));

        Instant t = Instant.now();
        String delivered =
                event("email.delivered", t, resendId, recipient, "\"tags\": {\"mailroom_id\": \"" + id + "\"}");
        assertThat(webhook("msg_" + UUID.randomUUID(), delivered).status()).isEqualTo(200);
        awaitStatus(api, id, "DELIVERED");

        String opened = event(
                "email.opened",
                t.plusMillis(100),
                resendId,
                recipient,
                "\"tags\": [{\"name\": \"mailroom_id\", \"value\": \"" + id + "\"}]");
        String openedId = "msg_" + UUID.randomUUID();
        assertThat(webhook(openedId, opened).status()).isEqualTo(200);
        // Svix retries with the same svix-id: stored once.
        assertThat(webhook(openedId, opened).status()).isEqualTo(200);
        awaitStatus(api, id, "OPENED");

        // No mailroom_id at all: matched by the email id the dispatcher recorded.
        String clicked = event(
                "email.clicked",
                t.plusMillis(200),
                resendId,
                recipient,
                "\"click\": {\"ipAddress\": \"122.115.53.11\", \"link\": \"https://example.com/welcome\","
                        + " \"timestamp\": \"" + t.plusMillis(200) + "\", \"userAgent\": \"Mozilla/5.0\"}");
        assertThat(webhook("msg_" + UUID.randomUUID(), clicked).status()).isEqualTo(200);

        JsonNode message = awaitStatus(api, id, "CLICKED");
        assertThat(statuses(message))
                .containsExactly("ACCEPTED", "QUEUED", "DISPATCHED", "DELIVERED", "OPENED", "CLICKED");
        JsonNode click = message.get("activities").get(5);
        assertThat(click.get("provider").asString()).isEqualTo("resend");
        assertThat(click.get("providerEvent").asString()).isEqualTo("email.clicked");
        assertThat(click.get("recipient").asString()).isEqualTo(recipient);
        assertThat(click.get("details").get("url").asString()).isEqualTo("https://example.com/welcome");
    }

    @Test
    void aHardBounceReportedByResendEndsTheTimelineBounced() {
        String recipient = "bounce+" + UUID.randomUUID() + "@example.org";
        String resendId = UUID.randomUUID().toString();
        providerFakes.stubFor(post(urlEqualTo("/resend/emails"))
                .withRequestBody(matchingJsonPath("$.to[0]", equalTo(recipient)))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"" + resendId + "\"}")));
        String id = api.submit(ApiClient.email(recipient, "{\"provider\":\"resend\"}"));
        awaitStatus(api, id, "DISPATCHED");

        String bounced = event(
                "email.bounced",
                Instant.now(),
                resendId,
                recipient,
                "\"bounce\": {\"message\": \"The recipient's email address does not exist.\", \"subType\": \"General\", \"type\": \"Permanent\"},"
                        + " \"tags\": {\"mailroom_id\": \"" + id + "\"}");
        assertThat(webhook("msg_" + UUID.randomUUID(), bounced).status()).isEqualTo(200);

        JsonNode message = awaitActivity(api, id, "BOUNCED");
        JsonNode details = message.get("activities")
                .get(statuses(message).indexOf("BOUNCED"))
                .get("details");
        assertThat(message.get("status").asString()).isEqualTo("BOUNCED");
        assertThat(details.get("bounceType").asString()).isEqualTo("hard");
        assertThat(details.get("reason").asString()).isEqualTo("The recipient's email address does not exist.");
    }

    @Test
    void forgedOrStaleWebhooksAreRefusedWith401() {
        String body =
                event("email.delivered", Instant.now(), UUID.randomUUID().toString(), "x@example.org", "\"tags\": {}");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();

        ApiClient.Response forged = api.postRaw(
                "/webhooks/resend",
                bytes,
                "Content-Type",
                "application/json",
                "svix-id",
                "msg_forged",
                "svix-timestamp",
                Long.toString(now),
                "svix-signature",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        long old = now - 3600;
        ApiClient.Response stale = api.postRaw(
                "/webhooks/resend",
                bytes,
                "Content-Type",
                "application/json",
                "svix-id",
                "msg_stale",
                "svix-timestamp",
                Long.toString(old),
                "svix-signature",
                SVIX.sign("msg_stale", old, bytes));
        ApiClient.Response unsigned = api.postRaw("/webhooks/resend", bytes, "Content-Type", "application/json");

        assertThat(forged.status()).isEqualTo(401);
        assertThat(stale.status()).isEqualTo(401);
        assertThat(unsigned.status()).isEqualTo(401);
    }

    /** A Resend email event as its event-type reference shows it. */
    private static String event(String type, Instant createdAt, String emailId, String to, String extra) {
        return """
                {"type": "%s", "created_at": "%s",
                 "data": {"created_at": "%s", "email_id": "%s", "from": "Example App <app@example.com>",
                          "to": ["%s"], "subject": "Hello", %s}}""".formatted(type, createdAt, createdAt, emailId, to, extra);
    }

    /** Posts the event signed as Svix signs Resend's webhooks, now. */
    private ApiClient.Response webhook(String svixId, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        long timestamp = Instant.now().getEpochSecond();
        return api.postRaw(
                "/webhooks/resend",
                bytes,
                "Content-Type",
                "application/json",
                "svix-id",
                svixId,
                "svix-timestamp",
                Long.toString(timestamp),
                "svix-signature",
                SVIX.sign(svixId, timestamp, bytes));
    }
}
