package dev.mailroom.server.api;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.RunAddresses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** The REST contract: authentication, validation as problem+json, reads, filters and paging. */
@EndToEndTest
class MessagesApiTest {
    private static final String BOUNCE_F = RunAddresses.of("bounce+f");

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    @Test
    void aRequestWithoutAnApiKeyIsRefusedWithAProblem() {
        Response response = api.getWith("/api/v1/messages");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asString()).contains("Authorization: Bearer");
        assertThat(response.headers().get("www-authenticate")).containsExactly("Bearer");
    }

    @Test
    void aWrongApiKeyIsRefused() {
        Response response = api.postRaw(
                "/api/v1/messages",
                ApiClient.email("ada@example.org").getBytes(),
                "Authorization",
                "Bearer not-the-key",
                "Content-Type",
                "application/json");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().get("detail").asString()).isEqualTo("the API key is not valid");
    }

    @Test
    void anInvalidEmailIsRefusedWithEveryProblemNamedAndNothingIsQueued() {
        int before = countMessages();
        String body = "{\"from\":{\"email\":\"app@example.com\"},\"to\":[{\"email\":\"not-an-address\"}],"
                + "\"subject\":\"Hi\\r\\nBcc: victim@example.com\",\"text\":\"x\",\"headers\":{\"X-A\":\"a\\nb\"}}";

        Response response = api.post("/api/v1/messages", body);

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("to[0].email", "subject", "headers.X-A");
        assertThat(countMessages()).isEqualTo(before);
    }

    @Test
    void anUnknownProviderIsRefused() {
        Response response =
                api.post("/api/v1/messages", ApiClient.email("ada@example.org", "{\"provider\":\"carrier-pigeon\"}"));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("provider");
        assertThat(response.json().get("errors").get(0).get("message").asString())
                .contains("sandbox");
    }

    @Test
    void malformedJsonIsABadRequest() {
        Response response = api.post("/api/v1/messages", "{\"from\": ");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void aBadSendAtIsABadRequestNamingTheField() {
        Response response =
                api.post("/api/v1/messages", ApiClient.email("ada@example.org", "{\"sendAt\":\"tomorrow\"}"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("sendAt");
        assertThat(response.json().get("detail").asString())
                .startsWith("sendAt: ")
                .contains("tomorrow");
    }

    @Test
    void aValueOfTheWrongShapeIsNamedByItsPath() {
        Response notAList = api.post("/api/v1/messages", ApiClient.email("ada@example.org", "{\"tags\":{\"a\":1}}"));
        Response nested = api.post(
                "/api/v1/messages",
                ApiClient.email("ada@example.org", "{\"cc\":[{\"email\":\"b@example.org\"},{\"email\":[1]}]}"));

        assertThat(notAList.status()).isEqualTo(400);
        assertThat(notAList.json().get("errors").get(0).get("field").asString()).isEqualTo("tags");
        assertThat(nested.status()).isEqualTo(400);
        assertThat(nested.json().get("errors").get(0).get("field").asString()).isEqualTo("cc[1].email");
    }

    @Test
    void anOversizedBodyIsRefused() {
        byte[] huge = new byte[16 * 1024 * 1024];
        java.util.Arrays.fill(huge, (byte) 'a');

        Response response = api.postRaw(
                "/api/v1/messages",
                huge,
                "Authorization",
                "Bearer " + ApiClient.TEST_KEY,
                "Content-Type",
                "application/json");

        assertThat(response.status()).isEqualTo(413);
    }

    @Test
    void anUnknownMessageIsNotFound() {
        Response response = api.get("/api/v1/messages/" + UUID.randomUUID());

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
    }

    @Test
    void theSubmissionAnswerNamesTheMessage() {
        Response response = api.post("/api/v1/messages", ApiClient.email("ada@example.org"));

        assertThat(response.status()).isEqualTo(202);
        JsonNode body = response.json();
        assertThat(body.get("status").asString()).isEqualTo("SUBMITTED");
        assertThat(response.headers().get("location"))
                .containsExactly("/api/v1/messages/" + body.get("id").asString());
    }

    @Test
    void aMessageShowsItsRecipientsTagsAndMetadata() {
        String id = api.submit(
                ApiClient.email(
                        "ada@example.org",
                        "{\"to\":[{\"email\":\"ada@example.org\",\"name\":\"Ada\","
                                + "\"memberId\":\"user-7\"}],\"tags\":[\"welcome\",\"onboarding\"],\"metadata\":{\"plan\":\"pro\"}}"));

        JsonNode message = awaitStatus(api, id, "DELIVERED");

        JsonNode recipient = message.get("recipients").get(0);
        assertThat(recipient.get("email").asString()).isEqualTo("ada@example.org");
        assertThat(recipient.get("name").asString()).isEqualTo("Ada");
        assertThat(recipient.get("memberId").asString()).isEqualTo("user-7");
        assertThat(recipient.get("kind").asString()).isEqualTo("to");
        assertThat(message.get("tags").toString()).contains("welcome", "onboarding");
        assertThat(message.get("metadata").get("plan").asString()).isEqualTo("pro");
    }

    @Test
    void theListFiltersByMemberRecipientTagAndStatus() {
        String member = "member-" + UUID.randomUUID();
        String tag = "t" + UUID.randomUUID().toString().substring(0, 8);
        String delivered = api.submit(ApiClient.email(
                "ada@example.org",
                "{\"to\":[{\"email\":\"ada@example.org\",\"memberId\":\"" + member + "\"}],\"tags\":[\"" + tag
                        + "\"]}"));
        String bounced = api.submit(ApiClient.email(
                BOUNCE_F, "{\"to\":[{\"email\":\"" + BOUNCE_F + "\",\"memberId\":\"" + member + "\"}]}"));
        api.submit(ApiClient.email("someone-else@example.org", "{\"tags\":[\"" + tag + "\"]}"));
        awaitStatus(api, delivered, "DELIVERED");
        awaitStatus(api, bounced, "BOUNCED");

        assertThat(ids("/api/v1/messages?memberId=" + member)).containsExactlyInAnyOrder(delivered, bounced);
        assertThat(ids("/api/v1/messages?memberId=" + member + "&status=BOUNCED"))
                .containsExactly(bounced);
        assertThat(ids("/api/v1/messages?memberId=" + member + "&tag=" + tag)).containsExactly(delivered);
        assertThat(ids("/api/v1/messages?recipient=" + BOUNCE_F.replace("+", "%2B") + "&memberId=" + member))
                .containsExactly(bounced);
        assertThat(ids("/api/v1/messages?memberId=" + member + "&since="
                        + Instant.now().plusSeconds(60)))
                .isEmpty();
    }

    @Test
    void pagesFollowTheCursorWithoutGapsOrRepeats() {
        String member = "pager-" + UUID.randomUUID();
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(api.submit(ApiClient.email(
                    "ada@example.org", "{\"to\":[{\"email\":\"ada@example.org\",\"memberId\":\"" + member + "\"}]}")));
        }
        submitted.forEach(id -> awaitStatus(api, id, "DELIVERED"));

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get(
                            "/api/v1/messages?limit=2&memberId=" + member + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            page.get("items").forEach(item -> seen.add(item.get("id").asString()));
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(submitted).doesNotHaveDuplicates();
    }

    @Test
    void badListParametersAreNamed() {
        Response response = api.get("/api/v1/messages?status=LOST&limit=0&cursor=nonsense");

        assertThat(response.status()).isEqualTo(422);
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("status", "limit", "cursor");
    }

    @Test
    void aScheduledMessageCanBeCanceledAndIsNeverSent() {
        String id = api.submit(ApiClient.email(
                "ada@example.org", "{\"sendAt\":\"" + Instant.now().plusSeconds(30) + "\"}"));
        awaitStatus(api, id, "SCHEDULED");

        Response response = api.post("/api/v1/messages/" + id + "/cancel", "");

        assertThat(response.status()).isEqualTo(202);
        JsonNode canceled = awaitStatus(api, id, "CANCELED");
        assertThat(dev.mailroom.server.support.Timelines.statuses(canceled))
                .containsExactly("ACCEPTED", "SCHEDULED", "CANCELED");
        assertThat(jdbc.queryForObject(
                        "SELECT next_attempt_at IS NULL FROM messages WHERE id = ?",
                        Boolean.class,
                        UUID.fromString(id)))
                .isTrue();
    }

    @Test
    void aMessageAlreadySentCannotBeCanceled() {
        String id = api.submit(ApiClient.email("ada@example.org"));
        awaitStatus(api, id, "DELIVERED");

        Response response = api.post("/api/v1/messages/" + id + "/cancel", "");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("detail").asString())
                .contains("DELIVERED")
                .contains("SCHEDULED");
        assertThat(api.post("/api/v1/messages/" + UUID.randomUUID() + "/cancel", "")
                        .status())
                .isEqualTo(404);
    }

    private List<String> ids(String path) {
        Response response = api.get(path);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        response.json().get("items").forEach(item -> ids.add(item.get("id").asString()));
        return ids;
    }

    private int countMessages() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM messages", Integer.class);
    }
}
