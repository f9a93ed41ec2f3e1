package dev.mailroom.server.providers.postmark;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * An email sent with {@code "provider": "postmark"} goes to a fake Postmark (the shared
 * WireMock, under {@code /postmark}), and Postmark's webhooks, posted with the Basic credentials
 * of the test configuration, build its timeline: matched by Metadata.mailroom_id, or by
 * Postmark's MessageID when the record has no metadata.
 */
@EndToEndTest
class PostmarkEndToEndTest {
    private static final String WEBHOOK_AUTH = "Basic "
            + Base64.getEncoder().encodeToString("postmark:postmark-webhook-secret".getBytes(StandardCharsets.UTF_8));

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
    void anEmailSentThroughPostmarkIsTrackedThroughItsWebhooks() {
        String recipient = "ada+" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        String postmarkId = UUID.randomUUID().toString();
        // Only this test's email matches: the fake is shared with every other end-to-end test.
        providerFakes.stubFor(post(urlEqualTo("/postmark/email"))
                .withRequestBody(matchingJsonPath("$.To", equalTo(recipient)))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"To\":\"" + recipient
                                + "\",\"SubmittedAt\":\"2026-11-28T07:00:00.0000000-05:00\",\"MessageID\":\""
                                + postmarkId + "\",\"ErrorCode\":0,\"Message\":\"OK\"}")));

        String id = api.submit(ApiClient.email(recipient, "{\"provider\":\"postmark\",\"tags\":[\"welcome\"]}"));
        JsonNode dispatched = awaitStatus(api, id, "DISPATCHED");

        assertThat(dispatched.get("providerMessageId").asString()).isEqualTo(postmarkId);
        providerFakes.verify(postRequestedFor(urlEqualTo("/postmark/email"))
                .withHeader("X-Postmark-Server-Token", equalTo("postmark-test-token"))
                .withRequestBody(matchingJsonPath("$.Metadata.mailroom_id", equalTo(id)))
                .withRequestBody(matchingJsonPath("$.Tag", equalTo("welcome")))
                .withRequestBody(matchingJsonPath("$.From", containing("app@example.com"))));

        assertThat(webhook("""
                {"RecordType": "Delivery", "MessageStream": "outbound", "MessageID": "%s", "Recipient": "%s",
                 "DeliveredAt": "2026-11-28T12:00:01.1234567Z", "Details": "smtp;250 2.0.0 OK", "Tag": "welcome",
                 "Metadata": {"mailroom_id": "%s"}}""".formatted(postmarkId, recipient, id)).status()).isEqualTo(200);
        awaitStatus(api, id, "DELIVERED");

        // No Metadata: matched by the MessageID recorded at dispatch.
        assertThat(webhook("""
                {"RecordType": "Open", "MessageStream": "outbound", "FirstOpen": true, "Platform": "WebMail",
                 "UserAgent": "Mozilla/5.0", "MessageID": "%s", "ReceivedAt": "2026-11-28T12:05:00Z", "Recipient": "%s"}""".formatted(postmarkId, recipient)).status()).isEqualTo(200);
        awaitStatus(api, id, "OPENED");

        assertThat(webhook("""
                {"RecordType": "Click", "MessageStream": "outbound", "ClickLocation": "HTML", "OriginalLink": "https://example.com/welcome",
                 "UserAgent": "Mozilla/5.0", "MessageID": "%s", "ReceivedAt": "2026-11-28T12:06:00Z", "Recipient": "%s",
                 "Metadata": {"mailroom_id": "%s"}}""".formatted(postmarkId, recipient, id)).status()).isEqualTo(200);
        JsonNode clicked = awaitStatus(api, id, "CLICKED");

        assertThat(statuses(clicked)).contains("DISPATCHED", "DELIVERED", "OPENED", "CLICKED");
        JsonNode click = findActivity(clicked, "CLICKED");
        assertThat(click.get("provider").asString()).isEqualTo("postmark");
        assertThat(click.get("details").get("url").asString()).isEqualTo("https://example.com/welcome");
    }

    @Test
    void aWebhookWithoutTheRightCredentialsIsRefused() {
        ApiClient.Response response = api.postRaw(
                "/webhooks/postmark",
                "{\"RecordType\":\"Delivery\",\"MessageID\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json",
                "Authorization",
                "Basic " + Base64.getEncoder().encodeToString("postmark:guess".getBytes(StandardCharsets.UTF_8)));

        assertThat(response.status()).isEqualTo(401);
    }

    private ApiClient.Response webhook(String json) {
        return api.postRaw(
                "/webhooks/postmark",
                json.getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json",
                "Authorization",
                WEBHOOK_AUTH,
                "X-PM-Webhook-Trace-Id",
                UUID.randomUUID().toString());
    }

    private static JsonNode findActivity(JsonNode message, String status) {
        for (JsonNode activity : message.get("activities")) {
            if (status.equals(activity.get("status").asString())) {
                return activity;
            }
        }
        throw new AssertionError("no " + status + " activity in " + message);
    }
}
