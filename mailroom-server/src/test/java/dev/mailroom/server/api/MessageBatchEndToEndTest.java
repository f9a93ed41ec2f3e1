package dev.mailroom.server.api;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.EndToEndTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/messages/batch}: one result per item (207), valid items accepted beside invalid
 * ones, whole-request problems accepting nothing, and one Idempotency-Key for the whole batch.
 */
@EndToEndTest
class MessageBatchEndToEndTest {
    private static final String BATCH = "/api/v1/messages/batch";

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    MeterRegistry meters;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    @Test
    void validItemsAreAcceptedAndDeliveredBesideAnInvalidOneThatIsRefusedNamingItsField() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String subject = "batch-" + run;
        String invalid = "not-an-address-" + run;
        String body = batch(
                email("ada-" + run + "@example.org", subject),
                email("bob-" + run + "@example.org", subject),
                email(invalid, subject),
                email("cy-" + run + "@example.org", subject));

        Response response = api.post(BATCH, body);

        assertThat(response.status()).as(response.body()).isEqualTo(207);
        assertThat(response.contentType()).startsWith("application/json");
        JsonNode answer = response.json();
        assertThat(answer.get("accepted").asInt()).isEqualTo(3);
        assertThat(answer.get("rejected").asInt()).isEqualTo(1);
        JsonNode results = answer.get("results");
        assertThat(results).hasSize(4);
        List<String> ids = new ArrayList<>();
        for (int i : new int[] {0, 1, 3}) {
            JsonNode result = results.get(i);
            assertThat(result.get("index").asInt()).isEqualTo(i);
            assertThat(result.get("status").asInt()).isEqualTo(202);
            String id = result.get("id").asString();
            assertThat(result.get("location").asString()).isEqualTo("/api/v1/messages/" + id);
            assertThat(result.get("messageStatus").asString()).isEqualTo("SUBMITTED");
            assertThat(result.has("errors")).isFalse();
            ids.add(id);
        }
        assertThat(ids).doesNotHaveDuplicates();
        JsonNode refused = results.get(2);
        assertThat(refused.get("index").asInt()).isEqualTo(2);
        assertThat(refused.get("status").asInt()).isEqualTo(422);
        assertThat(refused.has("id")).isFalse();
        assertThat(refused.get("title").asString()).isEqualTo("Invalid email");
        assertThat(refused.get("errors").get(0).get("field").asString()).isEqualTo("to[0].email");

        for (String id : ids) {
            JsonNode delivered = awaitStatus(api, id, "DELIVERED");
            assertThat(delivered.get("subject").asString()).isEqualTo(subject);
        }
        // The three delivered, each once; the invalid one is nowhere.
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM messages WHERE subject = ?", Integer.class, subject))
                .isEqualTo(3);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM message_recipients WHERE email = ?", Integer.class, invalid))
                .isZero();
    }

    @Test
    void anItemThatIsNoEmailAtAllIsA400ResultAndTheOthersStillGoIn() {
        String subject = "batch-shape-" + UUID.randomUUID();
        String body = "{\"messages\":[" + email("shape@example.org", subject) + ",\"just text\","
                + email("shape@example.org", subject).replace("\"subject\"", "\"sendAt\":\"tomorrow\",\"subject\"")
                + "]}";

        Response response = api.post(BATCH, body);

        assertThat(response.status()).as(response.body()).isEqualTo(207);
        JsonNode results = response.json().get("results");
        assertThat(results.get(0).get("status").asInt()).isEqualTo(202);
        assertThat(results.get(1).get("status").asInt()).isEqualTo(400);
        assertThat(results.get(1).get("errors").get(0).get("field").asString()).isEqualTo("messages[1]");
        assertThat(results.get(2).get("status").asInt()).isEqualTo(400);
        assertThat(results.get(2).get("errors").get(0).get("field").asString()).isEqualTo("sendAt");
        awaitStatus(api, results.get(0).get("id").asString(), "DELIVERED");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM messages WHERE subject = ?", Integer.class, subject))
                .isEqualTo(1);
    }

    @Test
    void moreThan500ItemsIsOneProblemNamingMessagesAndNothingIsPublished() {
        String subject = "batch-too-many-" + UUID.randomUUID();
        String[] items = new String[501];
        for (int i = 0; i < items.length; i++) {
            items[i] = email("many-" + i + "@example.org", subject);
        }
        double publishedBefore = mailboxPublishes();

        Response tooMany = api.post(BATCH, batch(items));
        Response empty = api.post(BATCH, "{\"messages\":[]}");
        Response none = api.post(BATCH, "{}");

        for (Response response : List.of(tooMany, empty, none)) {
            assertThat(response.status()).as(response.body()).isEqualTo(422);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("errors").get(0).get("field").asString())
                    .isEqualTo("messages");
        }
        assertThat(tooMany.json().get("detail").asString()).contains("501").contains("500");
        assertThat(mailboxPublishes()).isEqualTo(publishedBefore);
        // A single email published afterwards is recorded; none of the 501 ever is.
        awaitStatus(api, api.submit(email("after@example.org", subject)), "DELIVERED");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM messages WHERE subject = ?", Integer.class, subject))
                .isEqualTo(1);
    }

    @Test
    void theSameBatchWithTheSameKeyAnswersTheSameIdsAndSendsEachEmailOnce() {
        String key = "batch-" + UUID.randomUUID();
        String subject = "batch-retry-" + key;
        String body = batch(email("retry-a@example.org", subject), email("retry-b@example.org", subject));

        // Sent twice at once: the second most likely before the operator recorded the first.
        Response first = api.post(BATCH, body, "Idempotency-Key", key);
        Response second = api.post(BATCH, body, "Idempotency-Key", key);

        assertThat(first.status()).as(first.body()).isEqualTo(207);
        assertThat(second.status()).as(second.body()).isEqualTo(207);
        List<String> ids = ids(first);
        assertThat(ids).hasSize(2).doesNotHaveDuplicates();
        assertThat(ids(second)).isEqualTo(ids);
        for (String id : ids) {
            awaitStatus(api, id, "DELIVERED");
        }
        // Once recorded, the same batch in other bytes is answered as it is now, published nothing.
        double publishedBefore = mailboxPublishes();
        Response later =
                api.post(BATCH, body.replace("{\"messages\":[", "{ \"messages\" : [ "), "Idempotency-Key", key);
        assertThat(later.status()).isEqualTo(207);
        assertThat(ids(later)).isEqualTo(ids);
        assertThat(later.headers().get("idempotent-replayed")).containsExactly("true");
        for (JsonNode result : later.json().get("results")) {
            assertThat(result.get("messageStatus").asString()).isEqualTo("DELIVERED");
            assertThat(result.get("replayed").asBoolean()).isTrue();
        }
        assertThat(mailboxPublishes()).isEqualTo(publishedBefore);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM messages WHERE subject = ?", Integer.class, subject))
                .isEqualTo(2);
        for (String id : ids) {
            assertThat(activities(id, "QUEUED")).isEqualTo(1);
            assertThat(activities(id, "DELIVERED")).isEqualTo(1);
        }
    }

    @Test
    void theSameKeyWithAnotherBatchIsAConflictAndChangesNothing() {
        String key = "batch-" + UUID.randomUUID();
        String subject = "batch-conflict-" + key;
        String a = email("conflict-a@example.org", subject);
        String b = email("conflict-b@example.org", subject);
        List<String> ids = ids(api.post(BATCH, batch(a, b), "Idempotency-Key", key));
        for (String id : ids) {
            awaitStatus(api, id, "DELIVERED");
        }

        Response changed = api.post(BATCH, batch(a, email("conflict-c@example.org", subject)), "Idempotency-Key", key);
        Response longer =
                api.post(BATCH, batch(a, b, email("conflict-d@example.org", subject)), "Idempotency-Key", key);

        for (Response response : List.of(changed, longer)) {
            assertThat(response.status()).as(response.body()).isEqualTo(409);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("title").asString()).isEqualTo("Idempotency-Key reused");
            assertThat(response.json().get("errors").get(0).get("field").asString())
                    .isEqualTo("Idempotency-Key");
            assertThat(response.json().get("detail").asString()).contains(key).contains("another batch");
        }
        // Nothing of the other batches went in, however long one waits for the mailbox.
        awaitStatus(api, api.submit(email("conflict-after@example.org", subject)), "DELIVERED");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM messages WHERE subject = ?", Integer.class, subject))
                .isEqualTo(3);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM message_recipients WHERE email IN (?, ?)",
                        Integer.class,
                        "conflict-c@example.org",
                        "conflict-d@example.org"))
                .isZero();
    }

    @Test
    void aBadIdempotencyKeyIsOneProblemAndNothingIsAccepted() {
        double publishedBefore = mailboxPublishes();

        Response tooLong = api.post(BATCH, batch(email("key@example.org", "key")), "Idempotency-Key", "k".repeat(252));

        assertThat(tooLong.status()).as(tooLong.body()).isEqualTo(422);
        assertThat(tooLong.json().get("errors").get(0).get("field").asString()).isEqualTo("Idempotency-Key");
        assertThat(tooLong.json().get("errors").get(0).get("message").asString())
                .contains("1-251");
        assertThat(mailboxPublishes()).isEqualTo(publishedBefore);
    }

    @Test
    void aKeyThatMayOnlyReadIsForbiddenToSendABatch() {
        Response key = api.post("/api/v1/keys", "{\"name\":\"batch reader\",\"scopes\":[\"read\"]}");
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        double publishedBefore = mailboxPublishes();

        Response response =
                api.as(key.json().path("secret").asString()).post(BATCH, batch(email("reader@example.org", "r")));

        assertThat(response.status()).as(response.body()).isEqualTo(403);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asString()).contains("'send'");
        assertThat(mailboxPublishes()).isEqualTo(publishedBefore);
    }

    @Test
    void aBatchMayBeLargerThanOneMessageButNotLargerThanItsOwnLimit() {
        // Two items of 10.5 MiB text each: 21 MiB, over a single request's 15 MB, within a batch's 25 MB.
        // Each is too large an email, so the batch is read and answered item by item, and nothing is sent.
        String text = "x".repeat(10 * 1024 * 1024 + 512 * 1024);
        String item = email("large@example.org", "large").replace("Hello from the tests", text);
        Response read = api.post(BATCH, batch(item, item));

        assertThat(read.status()).isEqualTo(207);
        assertThat(read.json().get("rejected").asInt()).isEqualTo(2);
        assertThat(read.json().get("results").get(0).get("status").asInt()).isEqualTo(422);

        byte[] over = ("{\"messages\":[" + email("large@example.org", "large") + "], \"padding\":\""
                        + " ".repeat(27_000_000) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        Response tooLarge = api.postRaw(
                BATCH, over, "Authorization", "Bearer " + ApiClient.TEST_KEY, "Content-Type", "application/json");

        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.contentType()).startsWith("application/problem+json");
        assertThat(tooLarge.body()).contains("limited to " + 25L * 1024 * 1024 + " bytes");
    }

    private static String email(String to, String subject) {
        return ApiClient.email(to, "{\"subject\":\"" + subject + "\"}");
    }

    private static String batch(String... items) {
        return "{\"messages\":[" + String.join(",", items) + "]}";
    }

    private static List<String> ids(Response response) {
        List<String> ids = new ArrayList<>();
        response.json().get("results").forEach(r -> ids.add(r.get("id").asString()));
        return ids;
    }

    private double mailboxPublishes() {
        return meters.counter("mailroom.broker.published", "queue", QueueNames.MAILBOX)
                .count();
    }

    private int activities(String id, String status) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM activities WHERE message_id = ? AND status = ?",
                Integer.class,
                UUID.fromString(id),
                status);
    }
}
