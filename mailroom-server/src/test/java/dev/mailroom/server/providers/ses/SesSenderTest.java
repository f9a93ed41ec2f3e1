package dev.mailroom.server.providers.ses;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
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
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SES sender against a WireMock fake of the SESv2 API that accepts only what SES accepts: a
 * SigV4-signed {@code POST /v2/email/outbound-emails} (under the endpoint's path prefix, as the
 * end-to-end wiring registers it) with SES's JSON fields, and answers as SES does.
 */
class SesSenderTest {
    private static final String PATH = "/ses/v2/email/outbound-emails";
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static WireMockServer ses;

    private SesSender sender;

    @BeforeAll
    static void startFake() {
        ses = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        ses.start();
    }

    @AfterAll
    static void stopFake() {
        ses.stop();
    }

    @BeforeEach
    void newSender() {
        ses.resetAll();
        sender = new SesSender(properties("http://127.0.0.1:" + ses.port() + "/ses"), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void closeSender() {
        sender.close();
    }

    static SesProperties properties(String endpoint) {
        return new SesProperties(
                "us-east-1", endpoint, "AKIDEXAMPLETEST", "ses-test-secret", "mailroom", null, null, false);
    }

    @Test
    void aPlainEmailIsASignedSendEmailCallWithSimpleContentAndOurIdAsATag() {
        ses.stubFor(post(urlEqualTo(PATH))
                .withHeader(
                        "Authorization",
                        matching(
                                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLETEST/\\d{8}/us-east-1/ses/aws4_request, "
                                        + "SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}"))
                .withHeader("X-Amz-Date", matching("\\d{8}T\\d{6}Z"))
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(matchingJsonPath("$.FromEmailAddress"))
                .withRequestBody(matchingJsonPath("$.EmailTags[?(@.Name == 'mailroom_id')]"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withHeader("x-amzn-RequestId", "8c6b2e1a-1111-4b0c-9f1e-000000000001")
                        .withBody("{\"MessageId\":\"0100018e3f7a9b2c-4b6f1d2e-1c2b-4a5d-9e8f-7a6b5c4d3e2f-000000\"}")));
        OutboundEmail outbound = outbound(new Email(
                new Address("app@example.com", "Example App"),
                List.of(new Recipient("ada@example.org", "Ada Lovelace", "m-1")),
                List.of(Recipient.of("grace@example.org")),
                List.of(Recipient.of("audit@example.com")),
                Address.of("support@example.com"),
                "Welcome, Ada",
                "Hello Ada",
                "<p>Hello Ada</p>",
                Map.of(),
                List.of("welcome", "plan.pro", "a:b"),
                Map.of(),
                List.of()));

        DeliveryOutcome outcome = sender.send(outbound);

        assertThat(outcome)
                .isEqualTo(
                        new DeliveryOutcome.Accepted("0100018e3f7a9b2c-4b6f1d2e-1c2b-4a5d-9e8f-7a6b5c4d3e2f-000000"));
        JsonNode body = onlyRequestBody();
        assertThat(body.get("FromEmailAddress").asString()).isEqualTo("Example App <app@example.com>");
        assertThat(strings(body.at("/Destination/ToAddresses"))).containsExactly("Ada Lovelace <ada@example.org>");
        assertThat(strings(body.at("/Destination/CcAddresses"))).containsExactly("grace@example.org");
        assertThat(strings(body.at("/Destination/BccAddresses"))).containsExactly("audit@example.com");
        assertThat(strings(body.get("ReplyToAddresses"))).containsExactly("support@example.com");
        assertThat(body.get("ConfigurationSetName").asString()).isEqualTo("mailroom");
        assertThat(body.get("EmailTags").toString())
                .isEqualTo(
                        "[{\"Name\":\"mailroom_id\",\"Value\":\"" + outbound.messageId() + "\"},"
                                + "{\"Name\":\"welcome\",\"Value\":\"true\"},{\"Name\":\"plan_pro\",\"Value\":\"true\"},{\"Name\":\"a_b\",\"Value\":\"true\"}]");
        JsonNode simple = body.at("/Content/Simple");
        assertThat(simple.at("/Subject/Data").asString()).isEqualTo("Welcome, Ada");
        assertThat(simple.at("/Subject/Charset").asString()).isEqualTo("UTF-8");
        assertThat(simple.at("/Body/Text/Data").asString()).isEqualTo("Hello Ada");
        assertThat(simple.at("/Body/Html/Data").asString()).isEqualTo("<p>Hello Ada</p>");
        assertThat(body.at("/Content/Raw").isMissingNode()).isTrue();
    }

    @Test
    void anEmailWithAttachmentsAndHeadersIsSentAsRawMimeWithoutABccHeader() throws Exception {
        acceptAll();
        byte[] csv = "id;name\n1;Ada\n".getBytes(StandardCharsets.UTF_8);
        OutboundEmail outbound = outbound(new Email(
                new Address("app@example.com", "Zoë's App"),
                List.of(Recipient.of("ada@example.org")),
                List.of(),
                List.of(Recipient.of("audit@example.com")),
                null,
                "Your report: €12",
                "See the attachment",
                "<p>See the attachment</p>",
                Map.of("X-Campaign", "spring-é"),
                List.of(),
                Map.of(),
                List.of(new Attachment(
                        "report.csv", "text/csv", Base64.getEncoder().encodeToString(csv)))));

        assertThat(sender.send(outbound)).isInstanceOf(DeliveryOutcome.Accepted.class);

        JsonNode body = onlyRequestBody();
        assertThat(body.at("/Content/Simple").isMissingNode()).isTrue();
        // SES wants a non-ASCII display name as an RFC 2047 encoded word.
        String from = body.get("FromEmailAddress").asString();
        assertThat(from).startsWith("=?UTF-8?").endsWith("?= <app@example.com>");
        assertThat(new InternetAddress(from).getPersonal()).isEqualTo("Zoë's App");
        assertThat(strings(body.at("/Destination/BccAddresses"))).containsExactly("audit@example.com");
        assertThat(body.at("/EmailTags/0/Value").asString())
                .isEqualTo(outbound.messageId().toString());
        byte[] raw = Base64.getDecoder().decode(body.at("/Content/Raw/Data").asString());
        MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
        assertThat(mime.getSubject()).isEqualTo("Your report: €12");
        assertThat(mime.getHeader("X-Campaign", null)).isEqualTo("=?UTF-8?Q?spring-=C3=A9?=");
        assertThat(mime.getHeader("Bcc")).isNull();
        assertThat(mime.getSentDate().toInstant()).isEqualTo(NOW);
        List<Part> parts = leaves(mime);
        assertThat(parts)
                .extracting(p -> p.getContentType().split(";")[0].toLowerCase())
                .containsExactly("text/plain", "text/html", "text/csv");
        Part attachment = parts.get(2);
        assertThat(attachment.getFileName()).isEqualTo("report.csv");
        assertThat(Part.ATTACHMENT).isEqualToIgnoringCase(attachment.getDisposition());
        try (InputStream in = attachment.getInputStream()) {
            assertThat(in.readAllBytes()).isEqualTo(csv);
        }
    }

    @Test
    void aBulkEmailsUnsubscribeLinkMakesItRawMimeWithTheOneClickHeaders() throws Exception {
        acceptAll();

        sender.send(new OutboundEmail(
                UUID.randomUUID(), 1, simpleEmail(), "https://mail.example.com/unsubscribe/dGVzdA.c2ln"));

        JsonNode body = onlyRequestBody();
        assertThat(body.at("/Content/Simple").isMissingNode()).isTrue();
        byte[] raw = Base64.getDecoder().decode(body.at("/Content/Raw/Data").asString());
        MimeMessage mime = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
        assertThat(mime.getHeader("List-Unsubscribe", null))
                .isEqualTo("<https://mail.example.com/unsubscribe/dGVzdA.c2ln>");
        assertThat(mime.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
    }

    @Test
    void throttlingIsRetriedLaterHonouringRetryAfter() {
        ses.stubFor(post(urlEqualTo(PATH))
                .willReturn(sesError(429, "TooManyRequestsException", "Maximum sending rate exceeded.")
                        .withHeader("Retry-After", "7")));

        DeliveryOutcome outcome = sender.send(outbound(simpleEmail()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        DeliveryOutcome.RetryLater later = (DeliveryOutcome.RetryLater) outcome;
        assertThat(later.reason())
                .isEqualTo("ses answered 429: TooManyRequestsException: Maximum sending rate exceeded.");
        assertThat(later.notBefore()).isEqualTo(NOW.plusSeconds(7));
        // The operator owns retries: the SDK did not quietly try again.
        ses.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void aMessageRejectedIsRefusedForGoodWithSesReason() {
        ses.stubFor(
                post(urlEqualTo(PATH))
                        .willReturn(
                                sesError(
                                        400,
                                        "MessageRejected",
                                        "Email address is not verified. The following identities failed the check in region US-EAST-1: app@example.com")));

        DeliveryOutcome outcome = sender.send(outbound(simpleEmail()));

        assertThat(outcome)
                .isEqualTo(new DeliveryOutcome.Rejected(
                        "ses answered 400: MessageRejected: Email address is not verified. "
                                + "The following identities failed the check in region US-EAST-1: app@example.com"));
    }

    @Test
    void aSendingQuotaExceededIsRetriedLater() {
        ses.stubFor(post(urlEqualTo(PATH))
                .willReturn(sesError(400, "LimitExceededException", "Daily message quota exceeded.")));

        DeliveryOutcome outcome = sender.send(outbound(simpleEmail()));

        assertThat(outcome)
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "ses answered 400: LimitExceededException: Daily message quota exceeded.", null, true));
    }

    @Test
    void sendingPausedAndAccountSuspendedAreRefusedForGood() {
        ses.stubFor(post(urlEqualTo(PATH))
                .willReturn(sesError(
                        400,
                        "SendingPausedException",
                        "Sending is paused for this account. For more information, please check the AWS console.")));
        assertThat(sender.send(outbound(simpleEmail())))
                .isInstanceOf(DeliveryOutcome.Rejected.class)
                .extracting(o -> ((DeliveryOutcome.Rejected) o).reason())
                .asString()
                .contains("SendingPausedException");

        ses.stubFor(
                post(urlEqualTo(PATH)).willReturn(sesError(400, "AccountSuspendedException", "Account suspended.")));
        assertThat(sender.send(outbound(simpleEmail())))
                .isEqualTo(new DeliveryOutcome.Rejected(
                        "ses answered 400: AccountSuspendedException: Account suspended."));
    }

    @Test
    void aServerErrorIsRetriedLater() {
        ses.stubFor(post(urlEqualTo(PATH))
                .willReturn(sesError(
                        500, "InternalFailure", "The request processing has failed because of an unknown error.")));

        DeliveryOutcome outcome = sender.send(outbound(simpleEmail()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).reason()).startsWith("ses answered 500: InternalFailure");
        ses.verify(1, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void nothingListeningIsRetriedLater() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        try (SesSender unreachable =
                new SesSender(properties("http://127.0.0.1:" + freePort), Clock.fixed(NOW, ZoneOffset.UTC))) {
            DeliveryOutcome outcome = unreachable.send(outbound(simpleEmail()));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
            assertThat(((DeliveryOutcome.RetryLater) outcome).reason()).startsWith("ses unreachable");
        }
    }

    @Test
    void theSecretKeyNeverAppearsInTheSettingsOrTheRequest() {
        acceptAll();
        sender.send(outbound(simpleEmail()));

        assertThat(properties("http://x").toString())
                .doesNotContain("ses-test-secret")
                .contains("****");
        LoggedRequest request = ses.findAll(postRequestedFor(urlEqualTo(PATH))).get(0);
        assertThat(request.getHeaders().all().toString()).doesNotContain("ses-test-secret");
        assertThat(request.getBodyAsString()).doesNotContain("ses-test-secret");
    }

    static Email simpleEmail() {
        return new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                List.of(),
                List.of(),
                null,
                "Hello",
                "Hello from the tests",
                null,
                Map.of(),
                List.of(),
                Map.of(),
                List.of());
    }

    private static OutboundEmail outbound(Email email) {
        return new OutboundEmail(UUID.randomUUID(), 1, email);
    }

    private static void acceptAll() {
        ses.stubFor(post(urlEqualTo(PATH))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"MessageId\":\"0100-accepted\"}")));
    }

    /** An SES error as the REST-JSON protocol carries it: the code in x-amzn-ErrorType, the message in the body. */
    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder sesError(
            int status, String code, String message) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-RequestId", "8c6b2e1a-2222-4b0c-9f1e-000000000002")
                .withHeader("x-amzn-ErrorType", code)
                .withBody("{\"message\":\"" + message + "\"}");
    }

    private static JsonNode onlyRequestBody() {
        List<LoggedRequest> requests =
                ses.findAll(postRequestedFor(urlEqualTo(PATH)).withHeader("Content-Type", containing("json")));
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getHeader("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLETEST/");
        return JSON.readTree(requests.get(0).getBodyAsString());
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }

    private static List<Part> leaves(Part part) throws Exception {
        List<Part> leaves = new ArrayList<>();
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                leaves.addAll(leaves(multipart.getBodyPart(i)));
            }
        } else {
            leaves.add(part);
        }
        return leaves;
    }
}
