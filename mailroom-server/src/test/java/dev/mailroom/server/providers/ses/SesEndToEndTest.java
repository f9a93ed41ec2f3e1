package dev.mailroom.server.providers.ses;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * An email submitted with {@code "provider": "ses"} goes to the SESv2 fake (SigV4-signed, our id
 * as the {@code mailroom_id} tag), and SNS-signed SES events posted to {@code /webhooks/ses}
 * move it along its timeline. The SNS certificate comes from the cache directory the end-to-end
 * configuration sets, so nothing is downloaded.
 */
@EndToEndTest
class SesEndToEndTest {
    private static final String SEND_PATH = "/ses/v2/email/outbound-emails";

    @LocalServerPort
    int port;

    @Autowired
    WireMockServer providerFakes;

    ApiClient api;
    private final SnsTestSigner signer = SnsTestSigner.testKey();

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    @Test
    void anEmailSentThroughSesIsTrackedThroughItsSnsEvents() {
        String recipient = "ada+" + UUID.randomUUID() + "@example.org";
        String sesId = "0100018e" + UUID.randomUUID() + "-000000";
        // Specific to this test's recipient: the fake is shared with every other end-to-end test.
        providerFakes.stubFor(post(urlEqualTo(SEND_PATH))
                .withHeader(
                        "Authorization",
                        matching("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLETEST/\\d{8}/us-east-1/ses/aws4_request, .*"))
                .withRequestBody(containing(recipient))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"MessageId\":\"" + sesId + "\"}")));

        String id = api.submit(ApiClient.email(recipient, "{\"provider\":\"ses\",\"tags\":[\"welcome\"]}"));

        JsonNode dispatched = awaitStatus(api, id, "DISPATCHED");
        assertThat(dispatched.get("provider").asString()).isEqualTo("ses");
        assertThat(dispatched.get("providerMessageId").asString()).isEqualTo(sesId);
        List<LoggedRequest> sends =
                providerFakes.findAll(postRequestedFor(urlEqualTo(SEND_PATH)).withRequestBody(containing(recipient)));
        assertThat(sends).hasSize(1);
        JsonNode sent = ApiClient.JSON.readTree(sends.get(0).getBodyAsString());
        assertThat(sent.at("/EmailTags/0/Name").asString()).isEqualTo("mailroom_id");
        assertThat(sent.at("/EmailTags/0/Value").asString()).isEqualTo(id);
        assertThat(sent.get("ConfigurationSetName").asString()).isEqualTo("mailroom");

        String mail = SesEventFixtures.mailWithId(sesId, id, recipient);
        assertThat(postEvent(SesEventFixtures.delivery(mail, recipient)).status())
                .isEqualTo(200);
        awaitStatus(api, id, "DELIVERED");
        assertThat(postEvent(SesEventFixtures.open(mail)).status()).isEqualTo(200);
        awaitStatus(api, id, "OPENED");
        assertThat(postEvent(SesEventFixtures.click(mail)).status()).isEqualTo(200);
        awaitStatus(api, id, "CLICKED");

        // Without our tag, as from a configuration set's event that lost it: matched by SES's message id.
        assertThat(postEvent(SesEventFixtures.complaint(SesEventFixtures.mailWithId(sesId, null, recipient), recipient))
                        .status())
                .isEqualTo(200);
        JsonNode complained = awaitStatus(api, id, "COMPLAINED");

        assertThat(statuses(complained))
                .contains("ACCEPTED", "QUEUED", "DISPATCHED", "DELIVERED", "OPENED", "CLICKED", "COMPLAINED");
        JsonNode complaint = activity(complained, "COMPLAINED");
        assertThat(complaint.get("provider").asString()).isEqualTo("ses");
        assertThat(complaint.get("recipient").asString()).isEqualTo(recipient);
        assertThat(complaint.at("/details/feedbackType").asString()).isEqualTo("abuse");
        assertThat(activity(complained, "CLICKED").at("/details/url").asString())
                .isEqualTo("https://example.com/welcome?ref=email");
    }

    @Test
    void aForgedSnsMessageIsRefused() {
        Map<String, String> fields = SnsTestSigner.notification(
                SesEventFixtures.send(SesEventFixtures.mail(UUID.randomUUID().toString(), "ada@example.org")),
                Instant.now());
        String body = new String(signer.sign(fields)).replace("ada@example.org", "eve@example.org");

        ApiClient.Response response =
                api.postRaw("/webhooks/ses", body.getBytes(), "Content-Type", "text/plain; charset=UTF-8");

        assertThat(response.status()).isEqualTo(401);
    }

    private ApiClient.Response postEvent(String sesEvent) {
        Map<String, String> fields = SnsTestSigner.notification(sesEvent, Instant.now());
        // As SNS posts: JSON with a text/plain content type, and its own headers.
        return api.postRaw(
                "/webhooks/ses",
                signer.sign(fields),
                "Content-Type",
                "text/plain; charset=UTF-8",
                "x-amz-sns-message-type",
                "Notification",
                "x-amz-sns-message-id",
                fields.get("MessageId"),
                "x-amz-sns-topic-arn",
                fields.get("TopicArn"),
                "User-Agent",
                "Amazon Simple Notification Service Agent");
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
