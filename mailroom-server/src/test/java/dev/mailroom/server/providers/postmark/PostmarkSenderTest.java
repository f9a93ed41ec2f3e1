package dev.mailroom.server.providers.postmark;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Attachment;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.OutboundEmail;
import dev.mailroom.server.providers.support.ProviderHttpClients;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sender against a fake Postmark that checks the request and answers as Postmark does. */
class PostmarkSenderTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final UUID ID = UUID.fromString("0d9f3a52-5c41-4f7e-9a43-1b2c3d4e5f60");
    private static final String TOKEN = "server-token-123";

    WireMockServer postmark;
    PostmarkSender sender;

    @BeforeEach
    void start() {
        postmark = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        postmark.start();
        sender = senderFor("http://127.0.0.1:" + postmark.port() + "/pm/");
    }

    @AfterEach
    void stop() {
        postmark.stop();
    }

    private static PostmarkSender senderFor(String baseUrl) {
        return new PostmarkSender(
                new PostmarkProperties(TOKEN, baseUrl, null, null, null),
                ProviderHttpClients.newRestClientBuilder(),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static OutboundEmail simple() {
        return new OutboundEmail(
                ID,
                1,
                new Email(
                        Address.of("app@example.com"),
                        List.of(Recipient.of("ada@example.org")),
                        null,
                        null,
                        null,
                        "Hello",
                        "Hi Ada",
                        null,
                        null,
                        null,
                        null,
                        null));
    }

    private void answer(int status, String body, String... headers) {
        var response = aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
        for (int i = 0; i < headers.length; i += 2) {
            response.withHeader(headers[i], headers[i + 1]);
        }
        postmark.stubFor(post(urlEqualTo("/pm/email")).willReturn(response));
    }

    @Test
    void sendsTheEmailApisJsonWithTheServerTokenAndRecordsPostmarksMessageId() {
        answer(
                200,
                "{\"To\":\"ada@example.org\",\"SubmittedAt\":\"2026-11-28T07:00:00.0000000-05:00\","
                        + "\"MessageID\":\"b7bc2f4a-e38e-4336-af7d-e6c392c2f817\",\"ErrorCode\":0,\"Message\":\"OK\"}");
        String pdf = Base64.getEncoder().encodeToString("%PDF-1.4 fake".getBytes(StandardCharsets.US_ASCII));
        Email email = new Email(
                new Address("app@example.com", "Example App"),
                List.of(new Recipient("ada@example.org", "Ada Lovelace", "m-1"), Recipient.of("grace@example.org")),
                List.of(new Recipient("cc@example.org", "Doe, \"Jo\"", null)),
                List.of(Recipient.of("audit@example.org")),
                new Address("support@example.com", "Support"),
                "Your invoice",
                "Plain text",
                "<p>HTML</p>",
                Map.of("X-Campaign", "winter", "X-Priority-Level", "2"),
                List.of("invoice", "billing"),
                Map.of("plan", "pro"),
                List.of(new Attachment(
                        "invoice.pdf", "application/pdf", pdf.substring(0, 8) + "\r\n" + pdf.substring(8))));

        DeliveryOutcome outcome = sender.send(new OutboundEmail(ID, 1, email));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Accepted("b7bc2f4a-e38e-4336-af7d-e6c392c2f817"));
        postmark.verify(postRequestedFor(urlEqualTo("/pm/email"))
                .withHeader("X-Postmark-Server-Token", equalTo(TOKEN))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {
                          "From": "\\"Example App\\" <app@example.com>",
                          "To": "\\"Ada Lovelace\\" <ada@example.org>, grace@example.org",
                          "Cc": "\\"Doe, \\\\\\"Jo\\\\\\"\\" <cc@example.org>",
                          "Bcc": "audit@example.org",
                          "Subject": "Your invoice",
                          "TextBody": "Plain text",
                          "HtmlBody": "<p>HTML</p>",
                          "ReplyTo": "\\"Support\\" <support@example.com>",
                          "Headers": [{"Name": "X-Campaign", "Value": "winter"}, {"Name": "X-Priority-Level", "Value": "2"}],
                          "Tag": "invoice",
                          "Metadata": {"plan": "pro", "mailroom_id": "%s"},
                          "Attachments": [{"Name": "invoice.pdf", "Content": "%s", "ContentType": "application/pdf"}],
                          "MessageStream": "outbound"
                        }""".formatted(ID, pdf))));
    }

    @Test
    void aMinimalEmailLeavesOutWhatItDoesNotHave() {
        answer(200, "{\"MessageID\":\"m-1\",\"ErrorCode\":0,\"Message\":\"OK\"}");

        sender.send(simple());

        postmark.verify(postRequestedFor(urlEqualTo("/pm/email")).withRequestBody(equalToJson("""
                {"From": "app@example.com", "To": "ada@example.org", "Subject": "Hello", "TextBody": "Hi Ada",
                 "Metadata": {"mailroom_id": "%s"}, "MessageStream": "outbound"}""".formatted(ID))));
    }

    @Test
    void aBulkEmailsUnsubscribeLinkGoesInTheHeadersForOneClickUnsubscribe() {
        answer(200, "{\"MessageID\":\"m-1\",\"ErrorCode\":0,\"Message\":\"OK\"}");
        OutboundEmail plain = simple();

        sender.send(new OutboundEmail(
                plain.messageId(), 1, plain.email(), "https://mail.example.com/unsubscribe/dGVzdA.c2ln"));

        postmark.verify(
                postRequestedFor(urlEqualTo("/pm/email"))
                        .withRequestBody(
                                matchingJsonPath(
                                        "$.Headers",
                                        equalToJson(
                                                "[{\"Name\": \"List-Unsubscribe\", \"Value\": \"<https://mail.example.com/unsubscribe/dGVzdA.c2ln>\"},"
                                                        + " {\"Name\": \"List-Unsubscribe-Post\", \"Value\": \"List-Unsubscribe=One-Click\"}]"))));
    }

    @Test
    void anApplicationsOwnMailroomIdMetadataCannotReplaceOurs() {
        answer(200, "{\"MessageID\":\"m-1\",\"ErrorCode\":0,\"Message\":\"OK\"}");
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Hello",
                "Hi",
                null,
                null,
                null,
                Map.of("mailroom_id", "forged"),
                null);

        sender.send(new OutboundEmail(ID, 1, email));

        postmark.verify(postRequestedFor(urlEqualTo("/pm/email"))
                .withRequestBody(equalToJson("{\"Metadata\": {\"mailroom_id\": \"" + ID + "\"}}", false, true)));
    }

    @Test
    void anInactiveRecipientIsRejectedAsTheProvidersSuppression() {
        answer(
                422,
                "{\"ErrorCode\":406,\"Message\":\"You tried to send to recipient(s) that have been marked as inactive.\"}");

        assertThat(sender.send(simple())).isInstanceOfSatisfying(DeliveryOutcome.Rejected.class, r -> {
            assertThat(r.suppression()).isEqualTo("provider");
            assertThat(r.reason()).contains("ErrorCode 406");
        });
    }

    @Test
    void anInvalidEmailIsRejectedWithPostmarksErrorCodeAndMessage() {
        answer(
                422,
                "{\"ErrorCode\":300,\"Message\":\"Invalid 'From' address: 'app@example.com' is not a verified sender signature.\"}");

        assertThat(sender.send(simple()))
                .isEqualTo(
                        new DeliveryOutcome.Rejected(
                                "postmark answered 422: ErrorCode 300: Invalid 'From' address: 'app@example.com' is not a verified sender signature."));
    }

    @Test
    void aRateLimitReportedAsErrorCode429InA422IsRetried() {
        answer(422, "{\"ErrorCode\":429,\"Message\":\"Rate limit exceeded.\"}", "Retry-After", "20");

        assertThat(sender.send(simple()))
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "postmark answered 422: ErrorCode 429: Rate limit exceeded.", NOW.plusSeconds(20)));
    }

    @Test
    void http429IsRetriedNotBeforeRetryAfter() {
        answer(429, "{\"ErrorCode\":429,\"Message\":\"Rate limit exceeded.\"}", "Retry-After", "30");

        DeliveryOutcome outcome = sender.send(simple());

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).notBefore()).isEqualTo(NOW.plusSeconds(30));
    }

    @Test
    void serverErrorsAreRetriedEvenWithoutAJsonBody() {
        postmark.stubFor(post(urlEqualTo("/pm/email"))
                .willReturn(aResponse().withStatus(503).withBody("<html>Service Unavailable</html>")));

        assertThat(sender.send(simple()))
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "postmark answered 503: <html>Service Unavailable</html>", null));
    }

    @Test
    void aWrongServerTokenIsRejected() {
        answer(
                401,
                "{\"ErrorCode\":10,\"Message\":\"The Server Token you provided in the X-Postmark-Server-Token request header was invalid.\"}");

        DeliveryOutcome outcome = sender.send(simple());

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
        assertThat(((DeliveryOutcome.Rejected) outcome).reason())
                .startsWith("postmark answered 401: ErrorCode 10: The Server Token")
                .doesNotContain(TOKEN);
    }

    @Test
    void anAnswerWithoutMessageIdIsStillAcceptedBecauseResendingWouldDuplicate() {
        answer(200, "not json");

        assertThat(sender.send(simple())).isEqualTo(new DeliveryOutcome.Accepted(null));
    }

    @Test
    void nothingListeningIsRetriedLater() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        DeliveryOutcome outcome = senderFor("http://127.0.0.1:" + closedPort).send(simple());

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).reason()).startsWith("postmark unreachable");
    }

    @Test
    void theSettingsNeverPrintTheirSecrets() {
        PostmarkProperties properties = new PostmarkProperties(TOKEN, null, "postmark", "hook-secret", null);

        assertThat(properties.toString())
                .doesNotContain(TOKEN)
                .doesNotContain("hook-secret")
                .contains("****");
        assertThat(properties.baseUrl()).isEqualTo("https://api.postmarkapp.com");
        assertThat(properties.messageStream()).isEqualTo("outbound");
    }
}
