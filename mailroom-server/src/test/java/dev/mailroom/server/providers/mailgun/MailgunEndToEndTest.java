package dev.mailroom.server.providers.mailgun;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
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
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * An email sent with {@code "provider": "mailgun"} goes to a fake Mailgun (the shared WireMock,
 * under {@code /mailgun}), and webhooks signed with the test configuration's signing key build its
 * timeline: matched by the {@code mailroom_id} variable, or by Mailgun's message id when an event
 * has no variables.
 */
@EndToEndTest
class MailgunEndToEndTest {
    private static final String SIGNING_KEY = "mailgun-signing-key";
    private static final String MESSAGES = "/mailgun/v3/mg.example.com/messages";

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
    void anEmailSentThroughMailgunIsTrackedThroughItsWebhooks() {
        String recipient = "ada+" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        String mailgunId = "20261128120000." + UUID.randomUUID().toString().substring(0, 8) + "@mg.example.com";
        // Only this test's email matches: the fake is shared with every other end-to-end test.
        providerFakes.stubFor(post(urlEqualTo(MESSAGES))
                .withMultipartRequestBody(aMultipart().withName("to").withBody(equalTo(recipient)))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"id\":\"<" + mailgunId + ">\",\"message\":\"Queued. Thank you.\"}")));

        String id = api.submit(ApiClient.email(recipient, "{\"provider\":\"mailgun\",\"tags\":[\"welcome\"]}"));
        JsonNode dispatched = awaitStatus(api, id, "DISPATCHED");

        assertThat(dispatched.get("providerMessageId").asString()).isEqualTo(mailgunId);
        providerFakes.verify(postRequestedFor(urlEqualTo(MESSAGES))
                .withHeader(
                        "Authorization",
                        equalTo("Basic "
                                + Base64.getEncoder().encodeToString("api:key-test".getBytes(StandardCharsets.UTF_8))))
                .withRequestBodyPart(
                        aMultipart().withName("to").withBody(equalTo(recipient)).build())
                .withRequestBodyPart(aMultipart()
                        .withName("v:mailroom_id")
                        .withBody(equalTo(id))
                        .build())
                .withRequestBodyPart(aMultipart()
                        .withName("o:tag")
                        .withBody(equalTo("welcome"))
                        .build()));

        assertThat(webhook(SIGNING_KEY, """
                {"event": "delivered", "id": "%s", "timestamp": %s, "recipient": "%s", "user-variables": {"mailroom_id": "%s"},
                 "message": {"headers": {"message-id": "%s"}},
                 "delivery-status": {"code": 250, "message": "OK", "mx-host": "mx.example.org", "attempt-no": 1}}""".formatted(UUID.randomUUID(), now(), recipient, id, mailgunId))
                        .status())
                .isEqualTo(200);
        awaitStatus(api, id, "DELIVERED");

        // No user-variables: matched by the message id recorded at dispatch.
        assertThat(webhook(SIGNING_KEY, """
                {"event": "opened", "id": "%s", "timestamp": %s, "recipient": "%s",
                 "message": {"headers": {"message-id": "%s"}}, "client-info": {"user-agent": "Mozilla/5.0"}}""".formatted(UUID.randomUUID(), now(), recipient, mailgunId))
                        .status())
                .isEqualTo(200);
        awaitStatus(api, id, "OPENED");

        assertThat(webhook(SIGNING_KEY, """
                {"event": "clicked", "id": "%s", "timestamp": %s, "recipient": "%s", "url": "https://example.com/welcome",
                 "user-variables": {"mailroom_id": "%s"}, "message": {"headers": {"message-id": "%s"}}}""".formatted(UUID.randomUUID(), now(), recipient, id, mailgunId))
                        .status())
                .isEqualTo(200);
        JsonNode clicked = awaitStatus(api, id, "CLICKED");

        assertThat(statuses(clicked)).contains("DISPATCHED", "DELIVERED", "OPENED", "CLICKED");
        for (JsonNode activity : clicked.get("activities")) {
            if ("CLICKED".equals(activity.get("status").asString())) {
                assertThat(activity.get("provider").asString()).isEqualTo("mailgun");
                assertThat(activity.get("details").get("url").asString()).isEqualTo("https://example.com/welcome");
            }
        }
    }

    @Test
    void aWebhookSignedWithAnotherKeyIsRefused() {
        ApiClient.Response response =
                webhook("not-the-key", "{\"event\": \"delivered\", \"id\": \"x\", \"timestamp\": " + now() + "}");

        assertThat(response.status()).isEqualTo(401);
    }

    private ApiClient.Response webhook(String key, String eventData) {
        String token = (UUID.randomUUID().toString() + UUID.randomUUID())
                .replace("-", "")
                .substring(0, 50);
        String body = MailgunWebhookReceiverTest.signed(key, Instant.now().getEpochSecond(), token, eventData);
        return api.postRaw(
                "/webhooks/mailgun", body.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json");
    }

    private static String now() {
        return String.format(Locale.ROOT, "%.6f", Instant.now().toEpochMilli() / 1000.0);
    }
}
