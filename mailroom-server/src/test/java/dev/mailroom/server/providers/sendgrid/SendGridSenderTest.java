package dev.mailroom.server.providers.sendgrid;

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
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sender against a fake SendGrid API (WireMock), mounted under a path prefix like a proxy would. */
class SendGridSenderTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String PATH = "/proxy/sendgrid/v3/mail/send";
    private static final UUID ID = UUID.fromString("5b0c3a8e-0d0f-4c61-9d43-2f4b3c9c1a11");

    private WireMockServer fake;
    private SendGridSender sender;

    @BeforeEach
    void start() {
        fake = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        fake.start();
        sender = sender("http://127.0.0.1:" + fake.port() + "/proxy/sendgrid/");
    }

    @AfterEach
    void stop() {
        fake.stop();
    }

    private static SendGridSender sender(String baseUrl) {
        return new SendGridSender(
                new SendGridProperties("SG.unit-key", baseUrl, null),
                ProviderHttpClients.newRestClientBuilder(),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Email simple(String to) {
        return new Email(
                new Address("app@example.com", "Example App"),
                List.of(new Recipient(to, "Ada", "member-1")),
                null,
                null,
                null,
                "Hello",
                "Hello Ada",
                null,
                null,
                null,
                null,
                null);
    }

    private void answer(int status, String body, String... headers) {
        var response = aResponse().withStatus(status).withBody(body);
        for (int i = 0; i < headers.length; i += 2) {
            response = response.withHeader(headers[i], headers[i + 1]);
        }
        fake.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    @Test
    void aFullEmailIsPostedAsOneMailSendRequestAndTheXMessageIdComesBack() {
        answer(202, "", "X-Message-Id", "LRzXl_NHStOGhQ4kofSm_A");
        Email email = new Email(
                new Address("app@example.com", "Example App"),
                List.of(new Recipient("ada@example.org", "Ada", "m-1"), new Recipient("bob@example.org", null, null)),
                List.of(new Recipient("carol@example.org", "Carol", null)),
                List.of(new Recipient("audit@example.com", null, null)),
                new Address("support@example.com", "Support"),
                "Welcome",
                "Hello Ada",
                "<p>Hello Ada</p>",
                Map.of("X-Campaign", "spring"),
                List.of("welcome", "onboarding"),
                Map.of("plan", "pro"),
                List.of(new Attachment("terms.txt", "text/plain", "SGVsbG8g\r\nV29ybGQ=")));

        DeliveryOutcome outcome = sender.send(new OutboundEmail(ID, 1, email));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Accepted("LRzXl_NHStOGhQ4kofSm_A"));
        fake.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer SG.unit-key"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {
                          "personalizations": [{
                            "to": [{"email": "ada@example.org", "name": "Ada"}, {"email": "bob@example.org"}],
                            "cc": [{"email": "carol@example.org", "name": "Carol"}],
                            "bcc": [{"email": "audit@example.com"}],
                            "subject": "Welcome"
                          }],
                          "from": {"email": "app@example.com", "name": "Example App"},
                          "reply_to": {"email": "support@example.com", "name": "Support"},
                          "content": [{"type": "text/plain", "value": "Hello Ada"}, {"type": "text/html", "value": "<p>Hello Ada</p>"}],
                          "headers": {"X-Campaign": "spring"},
                          "categories": ["welcome", "onboarding"],
                          "attachments": [{"content": "SGVsbG8gV29ybGQ=", "filename": "terms.txt", "type": "text/plain", "disposition": "attachment"}],
                          "custom_args": {"mailroom_id": "5b0c3a8e-0d0f-4c61-9d43-2f4b3c9c1a11"}
                        }""")));
    }

    @Test
    void aMinimalEmailLeavesOutWhatItDoesNotHave() {
        answer(202, "", "X-Message-Id", "abc");
        Email htmlOnly = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Hi",
                null,
                "<b>Hi</b>",
                null,
                null,
                null,
                null);

        sender.send(new OutboundEmail(ID, 1, htmlOnly));

        fake.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
                {
                  "personalizations": [{"to": [{"email": "ada@example.org"}], "subject": "Hi"}],
                  "from": {"email": "app@example.com"},
                  "content": [{"type": "text/html", "value": "<b>Hi</b>"}],
                  "custom_args": {"mailroom_id": "5b0c3a8e-0d0f-4c61-9d43-2f4b3c9c1a11"}
                }""")));
    }

    @Test
    void aBulkEmailsUnsubscribeLinkGoesInTheHeadersForOneClickUnsubscribe() {
        answer(202, "", "X-Message-Id", "abc");

        sender.send(new OutboundEmail(
                ID, 1, simple("ada@example.org"), "https://mail.example.com/unsubscribe/dGVzdA.c2ln"));

        fake.verify(postRequestedFor(urlEqualTo(PATH))
                .withRequestBody(matchingJsonPath(
                        "$.headers",
                        equalToJson("{\"List-Unsubscribe\": \"<https://mail.example.com/unsubscribe/dGVzdA.c2ln>\","
                                + " \"List-Unsubscribe-Post\": \"List-Unsubscribe=One-Click\"}"))));
    }

    @Test
    void anAddressGivenTwiceIsSentOnceInItsMostVisibleRoleBecauseSendGridRefusesDuplicates() {
        answer(202, "", "X-Message-Id", "abc");
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                List.of(Recipient.of("ADA@example.org"), Recipient.of("bob@example.org")),
                List.of(Recipient.of("bob@example.org")),
                null,
                "Hi",
                "Hi",
                null,
                null,
                List.of("a", "a", "b"),
                null,
                null);

        sender.send(new OutboundEmail(ID, 1, email));

        fake.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
                {"personalizations": [{"to": [{"email": "ada@example.org"}], "cc": [{"email": "bob@example.org"}], "subject": "Hi"}],
                 "categories": ["a", "b"]}""", true, true)));
    }

    @Test
    void atMostTenCategoriesAreSent() {
        answer(202, "", "X-Message-Id", "abc");
        List<String> tags =
                java.util.stream.IntStream.range(0, 12).mapToObj(i -> "t" + i).toList();
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Hi",
                "Hi",
                null,
                null,
                tags,
                null,
                null);

        assertThat(SendGridMail.of(new OutboundEmail(ID, 1, email)).categories())
                .hasSize(10)
                .startsWith("t0")
                .endsWith("t9");
    }

    @Test
    void anEmailWithoutToRecipientsIsRefusedWithoutCallingSendGrid() {
        Email bccOnly = new Email(
                Address.of("app@example.com"),
                null,
                null,
                List.of(Recipient.of("ada@example.org")),
                null,
                "Hi",
                "Hi",
                null,
                null,
                null,
                null,
                null);

        DeliveryOutcome outcome = sender.send(new OutboundEmail(ID, 1, bccOnly));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
        assertThat(((DeliveryOutcome.Rejected) outcome).reason()).contains("'to' recipient");
        assertThat(fake.getAllServeEvents()).isEmpty();
    }

    @Test
    void sendGridsErrorMessagesBecomeTheReasonOfARejection() {
        answer(400, """
                {"errors":[{"message":"The from email does not contain a valid address.","field":"from.email","help":"http://sendgrid.com/docs"},
                           {"message":"Invalid type. Expected: string, given: integer.","field":null}]}""");

        assertThat(sender.send(new OutboundEmail(ID, 1, simple("ada@example.org"))))
                .isEqualTo(
                        new DeliveryOutcome.Rejected(
                                "sendgrid answered 400: from.email: The from email does not contain a valid address.; Invalid type. Expected: string, given: integer."));
    }

    @Test
    void aWrongApiKeyIsRefused() {
        answer(
                401,
                "{\"errors\":[{\"field\":null,\"message\":\"The provided authorization grant is invalid, expired, or revoked\"}]}");

        assertThat(sender.send(new OutboundEmail(ID, 1, simple("ada@example.org"))))
                .isEqualTo(new DeliveryOutcome.Rejected(
                        "sendgrid answered 401: The provided authorization grant is invalid, expired, or revoked"));
    }

    @Test
    void tooManyRequestsIsRetriedNotBeforeRetryAfter() {
        answer(
                429,
                "{\"errors\":[{\"field\":null,\"message\":\"too many requests\"}]}",
                "Retry-After",
                "30",
                "X-RateLimit-Reset",
                Long.toString(NOW.plusSeconds(90).getEpochSecond()));

        assertThat(sender.send(new OutboundEmail(ID, 1, simple("ada@example.org"))))
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "sendgrid answered 429: too many requests", NOW.plusSeconds(30), true));
        // The HTTP client does not retry by itself (Apache's default would, after Retry-After):
        // when to send again is the operator's decision.
        fake.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void withoutRetryAfterTheRateLimitResetTellsWhenToRetry() {
        answer(
                429,
                "{\"errors\":[{\"field\":null,\"message\":\"too many requests\"}]}",
                "X-RateLimit-Reset",
                Long.toString(NOW.plusSeconds(90).getEpochSecond()));

        assertThat(sender.send(new OutboundEmail(ID, 1, simple("ada@example.org"))))
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "sendgrid answered 429: too many requests", NOW.plusSeconds(90), true));
    }

    @Test
    void serverErrorsAreRetriedWithTheBodyAsReasonWhenItIsNotSendGridsJson() {
        answer(503, "<html>upstream unavailable</html>");

        assertThat(sender.send(new OutboundEmail(ID, 1, simple("ada@example.org"))))
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "sendgrid answered 503: <html>upstream unavailable</html>", null));
    }

    @Test
    void anUnreachableSendGridIsRetried() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        DeliveryOutcome outcome =
                sender("http://127.0.0.1:" + closedPort).send(new OutboundEmail(ID, 1, simple("ada@example.org")));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).reason()).startsWith("sendgrid unreachable");
    }

    @Test
    void anAcceptedSendWithoutXMessageIdIsStillAccepted() {
        answer(202, "");

        assertThat(sender.send(new OutboundEmail(ID, 1, simple("ada@example.org"))))
                .isEqualTo(new DeliveryOutcome.Accepted(null));
    }

    @Test
    void theRateLimitResetIsUnixSecondsOrSecondsFromNow() {
        assertThat(SendGridSender.rateLimitReset(Long.toString(NOW.getEpochSecond() + 60), NOW))
                .isEqualTo(NOW.plusSeconds(60));
        assertThat(SendGridSender.rateLimitReset("60", NOW)).isEqualTo(NOW.plusSeconds(60));
        assertThat(SendGridSender.rateLimitReset(Long.toString(NOW.getEpochSecond() - 60), NOW))
                .isNull();
        assertThat(SendGridSender.rateLimitReset("soon", NOW)).isNull();
        assertThat(SendGridSender.rateLimitReset(null, NOW)).isNull();
        assertThat(SendGridSender.rateLimitReset(Long.toString(Long.MAX_VALUE), NOW))
                .as("beyond Instant.MAX: unreadable, not thrown")
                .isNull();
    }

    @Test
    void theSenderIsTheSendgridProvider() {
        assertThat(sender.name()).isEqualTo("sendgrid");
    }
}
