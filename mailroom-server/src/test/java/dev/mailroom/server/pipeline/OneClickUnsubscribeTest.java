package dev.mailroom.server.pipeline;

import static dev.mailroom.server.support.Timelines.awaitActivity;
import static dev.mailroom.server.support.Timelines.awaitStatus;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.UnsubscribeToken;
import dev.mailroom.server.accounts.InternalKey;
import dev.mailroom.server.support.ApiClient;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * One-click unsubscribe (RFC 8058) through a real SMTP relay (GreenMail keeps the headers the sandbox does not): a bulk
 * email arrives with Mailroom's signed link, a POST there records UNSUBSCRIBED for its recipient, and forged, altered,
 * swapped or expired links change nothing.
 */
@dev.mailroom.server.support.EndToEndTest
class OneClickUnsubscribeTest {
    @LocalServerPort
    int port;

    @Autowired
    GreenMail greenMail;

    @Autowired
    InternalKey internalKey;

    @Autowired
    RabbitTemplate rabbit;

    final HttpClient http = HttpClient.newHttpClient();

    record Sent(String id, String recipient, MimeMessage received) {}

    Sent sendThroughSmtp(ApiClient api, String local, boolean bulk) {
        String recipient = local + "-" + UUID.randomUUID() + "@example.org";
        String id = api.submit(ApiClient.email(
                recipient, "{\"provider\":\"smtp\",\"subject\":\"News\"" + (bulk ? ",\"bulk\":true}" : "}")));
        awaitStatus(api, id, "DISPATCHED");
        MimeMessage received = await().atMost(Duration.ofSeconds(10))
                .until(
                        () -> Arrays.stream(greenMail.getReceivedMessages())
                                .filter(m -> id.equals(header(m, "X-Mailroom-Id")))
                                .findFirst()
                                .orElse(null),
                        m -> m != null);
        return new Sent(id, recipient, received);
    }

    static String link(Sent sent) {
        String header = header(sent.received(), "List-Unsubscribe");
        assertThat(header).startsWith("<").endsWith(">");
        return header.substring(1, header.length() - 1);
    }

    HttpResponse<String> post(String url) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<JsonNode> unsubscribes(ApiClient api, String id) {
        List<JsonNode> found = new ArrayList<>();
        api.message(id).get("activities").forEach(a -> {
            if ("UNSUBSCRIBED".equals(a.get("status").asString())) {
                found.add(a);
            }
        });
        return found;
    }

    @Test
    void aBulkEmailsLinkUnsubscribesItsRecipientOnPostAndForgedOrExpiredLinksChangeNothing() throws Exception {
        ApiClient api = new ApiClient(port);
        Sent ada = sendThroughSmtp(api, "ada", true);
        Sent grace = sendThroughSmtp(api, "grace", true);
        String adaLink = link(ada);
        String graceLink = link(grace);
        assertThat(adaLink).startsWith("http://localhost:" + port + "/unsubscribe/");
        assertThat(header(ada.received(), "List-Unsubscribe-Post")).isEqualTo("List-Unsubscribe=One-Click");

        // A GET (a mail scanner following the link) shows a button and unsubscribes nobody.
        HttpResponse<String> page = get(adaLink);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\"").contains(ada.recipient());
        // The dashboard's policy forbids forms; this page's allows its one form to post back.
        assertThat(page.headers().allValues("Content-Security-Policy"))
                .singleElement()
                .asString()
                .contains("form-action 'self'");

        String adaToken = adaLink.substring(adaLink.lastIndexOf('/') + 1);
        String graceToken = graceLink.substring(graceLink.lastIndexOf('/') + 1);
        String base = adaLink.substring(0, adaLink.lastIndexOf('/') + 1);
        // One character of the signature changed.
        int at = adaToken.length() - 10;
        String altered =
                adaToken.substring(0, at) + (adaToken.charAt(at) == 'A' ? 'B' : 'A') + adaToken.substring(at + 1);
        assertThat(post(base + altered).statusCode()).isEqualTo(403);
        // Grace's genuine token with Ada's address swapped in.
        String graceMac = graceToken.substring(graceToken.indexOf('.') + 1);
        String gracePayload = new String(
                Base64.getUrlDecoder().decode(graceToken.substring(0, graceToken.indexOf('.'))),
                StandardCharsets.UTF_8);
        String swapped = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(gracePayload
                                .replace(grace.recipient(), ada.recipient())
                                .getBytes(StandardCharsets.UTF_8))
                + "." + graceMac;
        assertThat(swapped).isNotEqualTo(graceToken);
        assertThat(post(base + swapped).statusCode()).isEqualTo(403);
        // A genuine token for Grace's email that has expired.
        String expired = UnsubscribeToken.issue(
                internalKey.unsubscribeKey(),
                new UnsubscribeToken.Claims(
                        "default",
                        UUID.fromString(grace.id()),
                        grace.recipient(),
                        Instant.now().minusSeconds(1)));
        HttpResponse<String> refused = post(base + expired);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("expired");
        // Not a token at all.
        assertThat(post(base + "not-a-token").statusCode()).isEqualTo(400);

        // Ada's genuine link: 200, and UNSUBSCRIBED for Ada on her email.
        HttpResponse<String> done = post(adaLink);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        JsonNode message = awaitActivity(api, ada.id(), "UNSUBSCRIBED");
        List<JsonNode> adaUnsubscribes = unsubscribes(api, ada.id());
        assertThat(adaUnsubscribes).hasSize(1);
        JsonNode unsubscribed = adaUnsubscribes.get(0);
        assertThat(unsubscribed.get("recipient").asString()).isEqualTo(ada.recipient());
        assertThat(unsubscribed.path("details").path("source").asString()).isEqualTo("one-click");
        assertThat(statuses(message)).contains("DISPATCHED", "UNSUBSCRIBED");
        // Grace's email was only ever sent refused links (the swapped and the expired): published before Ada's, and
        // nothing of them is recorded.
        assertThat(unsubscribes(api, grace.id())).isEmpty();
    }

    @Test
    void anEmailThatIsNotBulkCarriesNoUnsubscribeHeader() {
        Sent plain = sendThroughSmtp(new ApiClient(port), "plain", false);

        assertThat(header(plain.received(), "List-Unsubscribe")).isNull();
        assertThat(header(plain.received(), "List-Unsubscribe-Post")).isNull();
    }

    @Test
    void aBulkEmailToSeveralRecipientsOrAnApplicationsOwnListUnsubscribeIsRefusedNamingTheField() {
        ApiClient api = new ApiClient(port);
        ApiClient.Response two = api.post(
                "/api/v1/messages",
                ApiClient.email("ada@example.org", "{\"bulk\":true,\"cc\":[{\"email\":\"grace@example.org\"}]}"));
        assertThat(two.status()).isEqualTo(422);
        assertThat(two.body()).contains("\"bulk\"");

        ApiClient.Response own = api.post(
                "/api/v1/messages",
                ApiClient.email(
                        "ada@example.org", "{\"headers\":{\"List-Unsubscribe\":\"<https://evil.example/u>\"}}"));
        assertThat(own.status()).isEqualTo(422);
        assertThat(own.body()).contains("headers.List-Unsubscribe");
    }

    @Test
    void aDispatchCommandWhoseUnsubscribeUrlCouldInjectAHeaderIsFailedAndReachesNoRelay() {
        ApiClient api = new ApiClient(port);
        // A real message waiting for its send time, so the forged command is about a message we know.
        String recipient = "ada-" + UUID.randomUUID() + "@example.org";
        String id = api.submit(ApiClient.email(
                recipient, "{\"bulk\":true,\"sendAt\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"}"));
        awaitStatus(api, id, "SCHEDULED");
        Email email = new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of(recipient)),
                null,
                null,
                null,
                "Hi",
                "x",
                null,
                null,
                null,
                null,
                null,
                true);
        MessageProperties props = new MessageProperties();
        props.setMessageId("forged-unsubscribe-" + id);
        props.setType(MessageTypes.DISPATCH_V1);
        rabbit.send(
                "",
                QueueNames.DISPATCHING,
                new Message(
                        ContractJson.write(new DispatchCommand(
                                UUID.fromString(id),
                                "default",
                                1,
                                "smtp",
                                email,
                                "https://evil.example/u>\r\nBcc: victim@example.com")),
                        props));

        JsonNode message = awaitStatus(api, id, "FAILED");
        assertThat(statuses(message)).doesNotContain("DISPATCHED");
        assertThat(message.toString()).contains("unsubscribeUrl");
        assertThat(Arrays.stream(greenMail.getReceivedMessages()).map(m -> header(m, "X-Mailroom-Id")))
                .doesNotContain(id);
    }

    private static String header(MimeMessage message, String name) {
        try {
            return message.getHeader(name, null);
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}
