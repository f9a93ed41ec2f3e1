package dev.mailroom.server.providers.resend;

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
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Attachment;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.OutboundEmail;
import dev.mailroom.server.providers.support.ProviderHttpClients;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/** The sender against a fake Resend that checks the request as Resend documents it and answers as Resend does. */
class ResendSenderTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final UUID ID = UUID.fromString("0b7c1e9a-3f0e-4c55-9b8e-2d4f1a6c7e01");
    private static final String RESEND_ID = "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794";

    private WireMockServer resend;
    private ResendSender sender;

    @BeforeEach
    void start() {
        resend = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        resend.start();
        sender =
                senderFor("http://127.0.0.1:" + resend.port() + "/resend/", ProviderHttpClients.newRestClientBuilder());
    }

    @AfterEach
    void stop() {
        resend.stop();
    }

    private static ResendSender senderFor(String baseUrl, RestClient.Builder builder) {
        return new ResendSender(
                new ResendProperties("re_test_key", baseUrl, null), builder, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Email fullEmail() {
        return new Email(
                new Address("app@example.com", "Example App"),
                List.of(new Recipient("ada@example.org", "Ada Lovelace", "member-1")),
                List.of(Recipient.of("grace@example.org")),
                List.of(new Recipient("audit@example.com", "Audit, Inc.", null)),
                new Address("support@example.com", "Support"),
                "Welcome aboard",
                "Hello Ada",
                "<p>Hello Ada</p>",
                Map.of("X-Entity-Ref-ID", "123456789", "List-Unsubscribe", "<mailto:unsub@example.com>"),
                List.of("welcome", "news.letter:v2"),
                Map.of("plan", "pro"),
                List.of(
                        new Attachment("invoice.pdf", "application/pdf", "JVBERi0xLjQK"),
                        new Attachment("notes.txt", null, "aGk=")));
    }

    private static Email simpleEmail() {
        return new Email(
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
                null,
                null);
    }

    @Test
    void aBulkEmailsUnsubscribeLinkGoesInTheHeadersForOneClickUnsubscribe() {
        answer(200, "{\"id\":\"" + RESEND_ID + "\"}");

        sender.send(new OutboundEmail(ID, 1, simpleEmail(), "https://mail.example.com/unsubscribe/dGVzdA.c2ln"));

        resend.verify(postRequestedFor(urlEqualTo("/resend/emails"))
                .withRequestBody(matchingJsonPath(
                        "$.headers",
                        equalToJson("{\"List-Unsubscribe\": \"<https://mail.example.com/unsubscribe/dGVzdA.c2ln>\","
                                + " \"List-Unsubscribe-Post\": \"List-Unsubscribe=One-Click\"}"))));
    }

    private void answer(int status, String body, String... headers) {
        var response = aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
        for (int i = 0; i < headers.length; i += 2) {
            response = response.withHeader(headers[i], headers[i + 1]);
        }
        resend.stubFor(post(urlEqualTo("/resend/emails")).willReturn(response));
    }

    @Test
    void sendsTheDocumentedRequestAndRecordsResendsEmailId() {
        answer(200, "{\"id\":\"" + RESEND_ID + "\"}");

        DeliveryOutcome outcome = sender.send(new OutboundEmail(ID, 1, fullEmail()));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Accepted(RESEND_ID));
        resend.verify(postRequestedFor(urlEqualTo("/resend/emails"))
                .withHeader("Authorization", equalTo("Bearer re_test_key"))
                .withHeader("Idempotency-Key", equalTo("mailroom-" + ID))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {
                          "from": "Example App <app@example.com>",
                          "to": ["Ada Lovelace <ada@example.org>"],
                          "cc": ["grace@example.org"],
                          "bcc": ["\\"Audit, Inc.\\" <audit@example.com>"],
                          "reply_to": "Support <support@example.com>",
                          "subject": "Welcome aboard",
                          "html": "<p>Hello Ada</p>",
                          "text": "Hello Ada",
                          "headers": {"List-Unsubscribe": "<mailto:unsub@example.com>", "X-Entity-Ref-ID": "123456789"},
                          "attachments": [
                            {"filename": "invoice.pdf", "content": "JVBERi0xLjQK", "content_type": "application/pdf"},
                            {"filename": "notes.txt", "content": "aGk="}
                          ],
                          "tags": [
                            {"name": "mailroom_id", "value": "0b7c1e9a-3f0e-4c55-9b8e-2d4f1a6c7e01"},
                            {"name": "welcome", "value": "true"},
                            {"name": "news_letter_v2", "value": "true"}
                          ]
                        }""")));
    }

    @Test
    void everyAttemptOfAMessageSendsTheSameIdempotencyKeyAndTheSameBytes() {
        answer(200, "{\"id\":\"" + RESEND_ID + "\"}");

        sender.send(new OutboundEmail(ID, 1, fullEmail()));
        sender.send(new OutboundEmail(ID, 2, fullEmail()));

        List<LoggedRequest> requests = resend.findAll(postRequestedFor(urlEqualTo("/resend/emails")));
        assertThat(requests).hasSize(2);
        assertThat(requests.get(1).getHeader("Idempotency-Key"))
                .isEqualTo(requests.get(0).getHeader("Idempotency-Key"));
        assertThat(requests.get(1).getBody()).isEqualTo(requests.get(0).getBody());
    }

    @Test
    void theRequestBytesDoNotDependOnTheOrderOfTheEmailsMaps() {
        Email email = fullEmail();
        Email reordered = new Email(
                email.from(),
                email.to(),
                email.cc(),
                email.bcc(),
                email.replyTo(),
                email.subject(),
                email.text(),
                email.html(),
                new java.util.LinkedHashMap<>(
                        Map.of("List-Unsubscribe", "<mailto:unsub@example.com>", "X-Entity-Ref-ID", "123456789")),
                email.tags(),
                email.metadata(),
                email.attachments());

        assertThat(ResendPayload.body(new OutboundEmail(ID, 1, reordered)))
                .isEqualTo(ResendPayload.body(new OutboundEmail(ID, 1, email)));
    }

    @Test
    void aRateLimitIsRetriedNoSoonerThanRetryAfter() {
        answer(
                429,
                "{\"statusCode\":429,\"name\":\"rate_limit_exceeded\",\"message\":\"Too many requests. You can only make 2 requests per second.\"}",
                "Retry-After",
                "2",
                "ratelimit-reset",
                "1");

        DeliveryOutcome outcome = sender.send(new OutboundEmail(ID, 1, simpleEmail()));

        assertThat(outcome)
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "resend answered 429: rate_limit_exceeded: Too many requests. You can only make 2 requests per second.",
                        NOW.plusSeconds(2),
                        true));
    }

    @Test
    void aRateLimitWithoutRetryAfterWaitsForTheRateLimitWindowToReset() {
        answer(
                429,
                "{\"statusCode\":429,\"name\":\"rate_limit_exceeded\",\"message\":\"Too many requests.\"}",
                "ratelimit-reset",
                "1");

        DeliveryOutcome outcome = sender.send(new OutboundEmail(ID, 1, simpleEmail()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).notBefore()).isEqualTo(NOW.plusSeconds(1));
    }

    @Test
    void aServerErrorIsRetriedWithResendsReason() {
        answer(
                500,
                "{\"statusCode\":500,\"name\":\"application_error\",\"message\":\"An unexpected error occurred.\"}");

        DeliveryOutcome outcome = sender.send(new OutboundEmail(ID, 1, simpleEmail()));

        assertThat(outcome)
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "resend answered 500: application_error: An unexpected error occurred.", null));
    }

    @Test
    void aGatewayErrorPageIsRetriedWithItsText() {
        resend.stubFor(post(urlEqualTo("/resend/emails"))
                .willReturn(aResponse().withStatus(502).withBody("<html>Bad Gateway</html>")));

        DeliveryOutcome outcome = sender.send(new OutboundEmail(ID, 1, simpleEmail()));

        assertThat(outcome)
                .isEqualTo(new DeliveryOutcome.RetryLater("resend answered 502: <html>Bad Gateway</html>", null));
    }

    @Test
    void aValidationErrorIsRejectedForGoodWithResendsNameAndMessage() {
        answer(
                422,
                "{\"statusCode\":422,\"name\":\"invalid_from_address\",\"message\":\"Invalid `from` field. The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.\"}");

        DeliveryOutcome outcome = sender.send(new OutboundEmail(ID, 1, simpleEmail()));

        assertThat(outcome)
                .isEqualTo(
                        new DeliveryOutcome.Rejected(
                                "resend answered 422: invalid_from_address: Invalid `from` field."
                                        + " The email address needs to follow the `email@example.com` or `Name <email@example.com>` format."));
    }

    @Test
    void anUnverifiedDomainIsRejectedForGood() {
        answer(
                403,
                "{\"statusCode\":403,\"name\":\"validation_error\",\"message\":\"The example.com domain is not verified. Please, add and verify your domain on https://resend.com/domains\"}");

        DeliveryOutcome outcome = sender.send(new OutboundEmail(ID, 1, simpleEmail()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
        assertThat(((DeliveryOutcome.Rejected) outcome).reason())
                .startsWith("resend answered 403: validation_error: The example.com domain is not verified");
    }

    @Test
    void aKeyStillInFlightAtResendIsRetriedButAKeyReusedForAnotherPayloadIsNot() {
        answer(
                409,
                "{\"statusCode\":409,\"name\":\"concurrent_idempotent_requests\",\"message\":\"Same idempotency key used while original request is still in progress.\"}");
        assertThat(sender.send(new OutboundEmail(ID, 2, simpleEmail())))
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "resend answered 409: concurrent_idempotent_requests: Same idempotency key used while original request is still in progress.",
                        null));

        answer(
                409,
                "{\"statusCode\":409,\"name\":\"invalid_idempotent_request\",\"message\":\"Same idempotency key used with a different request payload.\"}");
        assertThat(sender.send(new OutboundEmail(ID, 2, simpleEmail()))).isInstanceOf(DeliveryOutcome.Rejected.class);
    }

    @Test
    void anAnswerWithoutAnEmailIdIsAskedAgainUnderTheSameKey() {
        answer(200, "{}");

        assertThat(sender.send(new OutboundEmail(ID, 1, simpleEmail()))).isInstanceOf(DeliveryOutcome.RetryLater.class);
    }

    @Test
    void nothingListeningIsRetried() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ResendSender nowhere = senderFor("http://127.0.0.1:" + port, ProviderHttpClients.newRestClientBuilder());

        DeliveryOutcome outcome = nowhere.send(new OutboundEmail(ID, 1, simpleEmail()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).reason())
                .startsWith("resend unreachable")
                .doesNotContain("re_test_key");
    }

    @Test
    void aResendThatDoesNotAnswerInTimeIsRetried() {
        resend.stubFor(post(urlEqualTo("/resend/emails"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody("{\"id\":\"" + RESEND_ID + "\"}")
                        .withFixedDelay(3000)));
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(HttpClient.newHttpClient());
        factory.setReadTimeout(Duration.ofMillis(300));
        ResendSender impatient = senderFor(
                "http://127.0.0.1:" + resend.port() + "/resend",
                RestClient.builder().requestFactory(factory));

        assertThat(impatient.send(new OutboundEmail(ID, 1, simpleEmail())))
                .isInstanceOf(DeliveryOutcome.RetryLater.class);
    }

    @Test
    void tagsBecomeResendTagNamesOfAllowedCharactersEachOnceAndNeverShadowOurId() {
        assertThat(ResendPayload.tagNames(List.of("welcome", "a.b", "a:b", "mailroom_id", "mailroom.id", "Q4-2026_x")))
                .containsExactly("welcome", "a_b", "Q4-2026_x");
    }

    @Test
    void displayNamesWithSpecialCharactersAreQuoted() {
        assertThat(ResendPayload.mailbox("a@example.com", null)).isEqualTo("a@example.com");
        assertThat(ResendPayload.mailbox("a@example.com", "Ada")).isEqualTo("Ada <a@example.com>");
        assertThat(ResendPayload.mailbox("a@example.com", "Dr. \"Ada\" L."))
                .isEqualTo("\"Dr. \\\"Ada\\\" L.\" <a@example.com>");
    }

    @Test
    void theSettingsNeverPrintTheSecrets() {
        assertThat(new ResendProperties("re_secret", "https://api.resend.com", "whsec_c2VjcmV0").toString())
                .doesNotContain("re_secret")
                .doesNotContain("whsec_c2VjcmV0")
                .contains("https://api.resend.com");
    }
}
