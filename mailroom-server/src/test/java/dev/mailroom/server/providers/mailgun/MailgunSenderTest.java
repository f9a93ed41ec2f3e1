package dev.mailroom.server.providers.mailgun;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sender against a fake Mailgun that records the multipart form and answers as Mailgun does. */
class MailgunSenderTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final UUID ID = UUID.fromString("0d9f3a52-5c41-4f7e-9a43-1b2c3d4e5f60");
    private static final String KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
    private static final String PATH = "/mg/v3/mg.example.com/messages";

    WireMockServer mailgun;
    MailgunSender sender;

    @BeforeEach
    void start() {
        mailgun = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        mailgun.start();
        sender = senderFor("http://127.0.0.1:" + mailgun.port() + "/mg/");
    }

    @AfterEach
    void stop() {
        mailgun.stop();
    }

    private static MailgunSender senderFor(String baseUrl) {
        return new MailgunSender(
                new MailgunProperties(KEY, "mg.example.com", baseUrl, null),
                ProviderHttpClients.newRestClientBuilder(),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static OutboundEmail simple() {
        return new OutboundEmail(
                ID,
                1,
                new Email(
                        Address.of("app@mg.example.com"),
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

    private void answer(int status, String contentType, String body, String... headers) {
        var response = aResponse()
                .withStatus(status)
                .withHeader("Content-Type", contentType)
                .withBody(body);
        for (int i = 0; i < headers.length; i += 2) {
            response.withHeader(headers[i], headers[i + 1]);
        }
        mailgun.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    private void queued() {
        answer(
                200,
                "application/json",
                "{\"id\":\"<20111114174239.25659.5817@samples.mailgun.org>\",\"message\":\"Queued. Thank you.\"}");
    }

    private LoggedRequest theRequest() {
        List<LoggedRequest> requests = mailgun.findAll(postRequestedFor(urlEqualTo(PATH)));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    /** The text fields of the form, in order, as (name, value). */
    private static List<List<String>> textFields(LoggedRequest request) {
        List<List<String>> fields = new ArrayList<>();
        for (Request.Part part : request.getParts()) {
            if (!part.getName().equals("attachment")) {
                fields.add(List.of(part.getName(), part.getBody().asString()));
            }
        }
        return fields;
    }

    @Test
    void sendsTheMessagesApisMultipartFormWithBasicAuthAndRecordsTheIdWithoutBrackets() {
        queued();
        byte[] pdf = "%PDF-1.4 fake".getBytes(StandardCharsets.US_ASCII);
        String base64 = Base64.getEncoder().encodeToString(pdf);
        Email email = new Email(
                new Address("app@mg.example.com", "Example App"),
                List.of(new Recipient("ada@example.org", "Ada Lovelace", "m-1"), Recipient.of("grace@example.org")),
                List.of(new Recipient("cc@example.org", "Doe, Jo", null)),
                List.of(Recipient.of("audit@example.org")),
                new Address("support@example.com", "Support"),
                "Your invoice – November",
                "Plain text",
                "<p>HTML</p>",
                Map.of("X-Campaign", "winter"),
                List.of("invoice", "billing"),
                Map.of("plan", "pro", "mailroom_id", "forged"),
                List.of(
                        new Attachment(
                                "invoice.pdf",
                                "application/pdf",
                                base64.substring(0, 8) + "\r\n" + base64.substring(8)),
                        new Attachment(
                                "notes.txt",
                                null,
                                Base64.getEncoder().encodeToString("hi".getBytes(StandardCharsets.UTF_8)))));

        DeliveryOutcome outcome = sender.send(new OutboundEmail(ID, 1, email));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Accepted("20111114174239.25659.5817@samples.mailgun.org"));
        mailgun.verify(postRequestedFor(urlEqualTo(PATH))
                .withHeader(
                        "Authorization",
                        equalTo("Basic "
                                + Base64.getEncoder().encodeToString(("api:" + KEY).getBytes(StandardCharsets.UTF_8))))
                .withHeader("Content-Type", matching("multipart/form-data;\\s*boundary=\\S+")));
        LoggedRequest request = theRequest();
        assertThat(textFields(request))
                .containsExactly(
                        List.of("from", "\"Example App\" <app@mg.example.com>"),
                        List.of("to", "\"Ada Lovelace\" <ada@example.org>"),
                        List.of("to", "grace@example.org"),
                        List.of("cc", "\"Doe, Jo\" <cc@example.org>"),
                        List.of("bcc", "audit@example.org"),
                        List.of("subject", "Your invoice – November"),
                        List.of("text", "Plain text"),
                        List.of("html", "<p>HTML</p>"),
                        List.of("h:Reply-To", "\"Support\" <support@example.com>"),
                        List.of("h:X-Campaign", "winter"),
                        List.of("o:tag", "invoice"),
                        List.of("o:tag", "billing"),
                        List.of("v:plan", "pro"),
                        List.of("v:mailroom_id", ID.toString()));
        List<Request.Part> attachments = request.getParts().stream()
                .filter(p -> p.getName().equals("attachment"))
                .toList();
        assertThat(attachments)
                .extracting(
                        p -> p.getHeader("Content-Disposition").firstValue(),
                        p -> p.getHeader("Content-Type").firstValue())
                .containsExactly(
                        tuple("form-data; name=\"attachment\"; filename=\"invoice.pdf\"", "application/pdf"),
                        tuple("form-data; name=\"attachment\"; filename=\"notes.txt\"", "application/octet-stream"));
        assertThat(attachments.get(0).getBody().asBytes()).isEqualTo(pdf);
        assertThat(attachments.get(1).getBody().asString()).isEqualTo("hi");
    }

    @Test
    void aMinimalEmailSendsOnlyWhatItHas() {
        queued();

        sender.send(simple());

        assertThat(textFields(theRequest()))
                .containsExactly(
                        List.of("from", "app@mg.example.com"),
                        List.of("to", "ada@example.org"),
                        List.of("subject", "Hello"),
                        List.of("text", "Hi Ada"),
                        List.of("v:mailroom_id", ID.toString()));
    }

    @Test
    void aBulkEmailsUnsubscribeLinkGoesAsHParametersForOneClickUnsubscribe() {
        queued();
        OutboundEmail plain = simple();

        sender.send(new OutboundEmail(
                plain.messageId(), 1, plain.email(), "https://mail.example.com/unsubscribe/dGVzdA.c2ln"));

        assertThat(textFields(theRequest()))
                .contains(
                        List.of("h:List-Unsubscribe", "<https://mail.example.com/unsubscribe/dGVzdA.c2ln>"),
                        List.of("h:List-Unsubscribe-Post", "List-Unsubscribe=One-Click"));
    }

    @Test
    void aBadRequestIsRejectedWithMailgunsMessage() {
        answer(
                400,
                "application/json",
                "{\"message\": \"'from' parameter is not a valid address. please check documentation\"}");

        assertThat(sender.send(simple()))
                .isEqualTo(new DeliveryOutcome.Rejected(
                        "mailgun answered 400: 'from' parameter is not a valid address. please check documentation"));
    }

    @Test
    void aWrongApiKeyIsRejectedWithoutRepeatingIt() {
        answer(401, "text/plain", "Forbidden");

        DeliveryOutcome outcome = sender.send(simple());

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Rejected("mailgun answered 401: Forbidden"));
        assertThat(outcome.toString()).doesNotContain(KEY);
    }

    @Test
    void tooManyRequestsIsRetriedNotBeforeRetryAfter() {
        answer(429, "application/json", "{\"message\": \"Too many requests\"}", "Retry-After", "60");

        assertThat(sender.send(simple()))
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "mailgun answered 429: Too many requests", NOW.plusSeconds(60), true));
    }

    @Test
    void serverErrorsAreRetried() {
        answer(500, "text/html", "<html>Internal Server Error</html>");

        assertThat(sender.send(simple())).isInstanceOf(DeliveryOutcome.RetryLater.class);
    }

    @Test
    void nothingListeningIsRetriedLater() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        DeliveryOutcome outcome = senderFor("http://127.0.0.1:" + closedPort).send(simple());

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).reason()).startsWith("mailgun unreachable");
    }

    @Test
    void anAcceptedAnswerWithoutAnIdIsStillAcceptedBecauseResendingWouldDuplicate() {
        answer(200, "text/plain", "Queued");

        assertThat(sender.send(simple())).isEqualTo(new DeliveryOutcome.Accepted(null));
    }

    @Test
    void messageIdsLoseTheirAngleBracketsOnBothSides() {
        assertThat(MailgunSender.normalizeMessageId("<20111114174239.25659.5817@samples.mailgun.org>"))
                .isEqualTo(MailgunSender.normalizeMessageId("20111114174239.25659.5817@samples.mailgun.org"))
                .isEqualTo("20111114174239.25659.5817@samples.mailgun.org");
        assertThat(MailgunSender.normalizeMessageId("<>")).isNull();
    }

    @Test
    void theSenderNeedsADomainAndTheSettingsNeverPrintTheirSecrets() {
        MailgunProperties noDomain = new MailgunProperties(KEY, " ", null, "signing-secret");

        assertThatThrownBy(() ->
                        new MailgunSender(noDomain, ProviderHttpClients.newRestClientBuilder(), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("domain");
        assertThat(noDomain.toString()).doesNotContain(KEY).doesNotContain("signing-secret");
        assertThat(noDomain.baseUrl()).isEqualTo("https://api.mailgun.net");
    }
}
