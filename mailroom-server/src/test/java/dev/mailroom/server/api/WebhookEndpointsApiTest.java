package dev.mailroom.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.accounts.WebhookEndpoints;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * An organization's webhook endpoints through the REST API, as its admin, a read-only key and another organization
 * would use them. Each test works in an organization of its own, so that the limit of endpoints per organization
 * never depends on what other tests left behind.
 */
@EndToEndTest
class WebhookEndpointsApiTest {
    static final String PATH = "/api/v1/webhook-endpoints";

    @LocalServerPort
    int port;

    /** The clock the application uses for the secrets' expiry. */
    @Autowired
    Clock clock;

    @Autowired
    WebhookEndpoints endpoints;

    @Autowired
    DataSource database;

    private ApiClient admin() {
        return new ApiClient(port)
                .as(TestOrganizations.create(port, "hooks-", "send", "read", "admin")
                        .key());
    }

    private static JsonNode created(ApiClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    private static String endpointJson(String url) {
        return "{\"url\":\"" + url + "\",\"eventTypes\":[\"email.delivered\",\"email.bounced\"],"
                + "\"description\":\"orders service\"}";
    }

    private static List<String> ids(ApiClient api) {
        ApiClient.Response list = api.get(PATH);
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        list.json().path("items").forEach(item -> ids.add(item.path("id").asString()));
        return ids;
    }

    private static List<String> fields(ApiClient.Response refused) {
        List<String> fields = new ArrayList<>();
        refused.json().path("errors").forEach(e -> fields.add(e.path("field").asString()));
        return fields;
    }

    @Test
    void anAdminCreatesListsReadsChangesAndDeletesAnEndpoint() {
        ApiClient api = admin();
        ApiClient.Response response = api.post(PATH, endpointJson("https://hooks.example.com/mailroom"));
        JsonNode body = created(response);
        String id = body.path("endpoint").path("id").asString();
        String secret = body.path("secret").asString();

        assertThat(response.headers().get("location"))
                .singleElement()
                .asString()
                .endsWith(PATH + "/" + id);
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length())))
                .hasSize(32);
        JsonNode endpoint = body.path("endpoint");
        assertThat(endpoint.path("url").asString()).isEqualTo("https://hooks.example.com/mailroom");
        assertThat(endpoint.path("eventTypes").toString()).isEqualTo("[\"email.delivered\",\"email.bounced\"]");
        assertThat(endpoint.path("description").asString()).isEqualTo("orders service");
        assertThat(endpoint.path("enabled").asBoolean()).isTrue();
        assertThat(endpoint.has("disabledReason")).isFalse();

        assertThat(ids(api)).containsExactly(id);
        ApiClient.Response read = api.get(PATH + "/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).doesNotContain(secret);
        assertThat(api.get(PATH).body()).doesNotContain(secret);

        ApiClient.Response patched = api.patch(
                PATH + "/" + id,
                "{\"url\":\"https://hooks.example.com/v2\",\"eventTypes\":[\"*\"],\"description\":\"\","
                        + "\"enabled\":false}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);
        JsonNode after = api.get(PATH + "/" + id).json();
        assertThat(after.path("url").asString()).isEqualTo("https://hooks.example.com/v2");
        assertThat(after.path("eventTypes").toString()).isEqualTo("[\"*\"]");
        assertThat(after.has("description")).isFalse();
        assertThat(after.path("enabled").asBoolean()).isFalse();
        assertThat(after.has("disabledReason"))
                .as("disabled by hand: no reason")
                .isFalse();
        // A field left out keeps its value.
        assertThat(api.patch(PATH + "/" + id, "{\"description\":\"kept url\"}")
                        .json()
                        .path("url")
                        .asString())
                .isEqualTo("https://hooks.example.com/v2");
        assertThat(api.get(PATH + "/" + id + "/secret")
                        .json()
                        .path("current")
                        .path("secret")
                        .asString())
                .as("changing an endpoint keeps its secret")
                .isEqualTo(secret);

        ApiClient.Response deleted = api.delete(PATH + "/" + id);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(api.get(PATH + "/" + id).status()).isEqualTo(404);
        assertThat(api.get(PATH + "/" + id + "/secret").status()).isEqualTo(404);
        assertThat(api.delete(PATH + "/" + id).status()).isEqualTo(404);
        assertThat(ids(api)).isEmpty();
        assertThat(JdbcClient.create(database)
                        .sql("SELECT COUNT(*) FROM webhook_secrets WHERE endpoint_id = ?")
                        .param(UUID.fromString(id))
                        .query(Integer.class)
                        .single())
                .as("its secrets go with it")
                .isZero();
    }

    @Test
    void allEventTypesAndRepeatedOnesAreStoredOnce() {
        ApiClient api = admin();
        JsonNode all = created(api.post(
                        PATH, "{\"url\":\"https://a.example.com/\",\"eventTypes\":[\"email.dispatched\",\"*\"]}"))
                .path("endpoint");
        JsonNode twice = created(api.post(
                        PATH,
                        "{\"url\":\"https://b.example.com/\",\"eventTypes\":[\"email.dispatched\",\"suppression.created\","
                                + "\"email.dispatched\"],\"enabled\":false}"))
                .path("endpoint");

        assertThat(all.path("eventTypes").toString()).isEqualTo("[\"*\"]");
        assertThat(twice.path("eventTypes").toString()).isEqualTo("[\"email.dispatched\",\"suppression.created\"]");
        assertThat(twice.path("enabled").asBoolean()).isFalse();
    }

    @Test
    void invalidEndpointsAreRefusedNamingTheFieldAndNothingChanges() {
        ApiClient api = admin();
        String id = created(api.post(PATH, endpointJson("https://hooks.example.com/ok")))
                .path("endpoint")
                .path("id")
                .asString();
        String before = api.get(PATH + "/" + id).body();
        String secretsBefore = api.get(PATH + "/" + id + "/secret").body();

        String longUrl = "https://hooks.example.com/" + "a".repeat(2048);
        String longDescription = "d".repeat(257);
        List<String[]> cases = List.of(
                new String[] {"{\"eventTypes\":[\"*\"]}", "url"},
                new String[] {"{\"url\":\"/relative/path\",\"eventTypes\":[\"*\"]}", "url"},
                new String[] {"{\"url\":\"" + longUrl + "\",\"eventTypes\":[\"*\"]}", "url"},
                new String[] {"{\"url\":\"https://user:pw@hooks.example.com/\",\"eventTypes\":[\"*\"]}", "url"},
                new String[] {"{\"url\":\"https://hooks.example.com/#part\",\"eventTypes\":[\"*\"]}", "url"},
                new String[] {"{\"url\":\"ftp://hooks.example.com/\",\"eventTypes\":[\"*\"]}", "url"},
                new String[] {"{\"url\":\"https://hooks.example.com/\"}", "eventTypes"},
                new String[] {"{\"url\":\"https://hooks.example.com/\",\"eventTypes\":[]}", "eventTypes"},
                new String[] {
                    "{\"url\":\"https://hooks.example.com/\",\"eventTypes\":[\"email.dispatched\",\"email.teleported\"]}",
                    "eventTypes[1]"
                },
                new String[] {
                    "{\"url\":\"https://hooks.example.com/\",\"eventTypes\":[\"*\"],\"description\":\""
                            + longDescription + "\"}",
                    "description"
                });
        for (String[] c : cases) {
            ApiClient.Response refused = api.post(PATH, c[0]);
            assertThat(refused.status()).as(c[0] + " → " + refused.body()).isEqualTo(422);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(fields(refused)).as(c[0]).containsExactly(c[1]);
        }
        // A change names only what it changes; a bad field refuses the whole change (the good one too).
        List<String[]> changes = List.of(
                new String[] {"{\"url\":\"/relative/path\",\"description\":\"fine\"}", "url"},
                new String[] {"{\"url\":\"" + longUrl + "\"}", "url"},
                new String[] {"{\"url\":\"https://user:pw@hooks.example.com/\"}", "url"},
                new String[] {"{\"url\":\"https://hooks.example.com/#part\"}", "url"},
                new String[] {"{\"url\":\"ftp://hooks.example.com/\",\"enabled\":false}", "url"},
                new String[] {"{\"eventTypes\":[]}", "eventTypes"},
                new String[] {"{\"eventTypes\":[\"email.teleported\"]}", "eventTypes[0]"},
                new String[] {"{\"description\":\"" + longDescription + "\"}", "description"});
        for (String[] c : changes) {
            ApiClient.Response refused = api.patch(PATH + "/" + id, c[0]);
            assertThat(refused.status())
                    .as("PATCH " + c[0] + " → " + refused.body())
                    .isEqualTo(422);
            assertThat(fields(refused)).as("PATCH " + c[0]).containsExactly(c[1]);
        }
        ApiClient.Response several = api.post(PATH, "{\"url\":\"http:nothing\",\"eventTypes\":[\"nope\"]}");
        assertThat(fields(several)).containsExactly("url", "eventTypes[0]");

        for (String grace : List.of("\"P8D\"", "\"-PT1S\"", "\"soon\"")) {
            ApiClient.Response refused =
                    api.post(PATH + "/" + id + "/secret/rotate", "{\"gracePeriod\":" + grace + "}");
            assertThat(refused.status()).as(grace + " → " + refused.body()).isEqualTo(422);
            assertThat(fields(refused)).containsExactly("gracePeriod");
        }

        assertThat(ids(api)).containsExactly(id);
        assertThat(api.get(PATH + "/" + id).body()).isEqualTo(before);
        assertThat(api.get(PATH + "/" + id + "/secret").body()).isEqualTo(secretsBefore);
    }

    @Test
    void aReadKeyListsAndReadsEndpointsButCannotChangeThemNorSeeTheirSecrets() {
        ApiClient api = admin();
        String id = created(api.post(PATH, endpointJson("https://hooks.example.com/r")))
                .path("endpoint")
                .path("id")
                .asString();
        ApiClient.Response key = api.post("/api/v1/keys", "{\"name\":\"reader\",\"scopes\":[\"read\"]}");
        ApiClient reader = new ApiClient(port).as(created(key).path("secret").asString());
        String secret = api.get(PATH + "/" + id + "/secret")
                .json()
                .path("current")
                .path("secret")
                .asString();

        assertThat(ids(reader)).containsExactly(id);
        ApiClient.Response read = reader.get(PATH + "/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.body()).doesNotContain(secret);

        List<ApiClient.Response> refused = List.of(
                reader.post(PATH, endpointJson("https://hooks.example.com/other")),
                reader.patch(PATH + "/" + id, "{\"enabled\":false}"),
                reader.delete(PATH + "/" + id),
                reader.get(PATH + "/" + id + "/secret"),
                reader.post(PATH + "/" + id + "/secret/rotate", "{}"));
        for (ApiClient.Response answer : refused) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(403);
            assertThat(answer.json().path("detail").asString()).contains("scope 'admin'");
            assertThat(answer.body()).doesNotContain(secret);
        }
        assertThat(ids(api)).containsExactly(id);
        JsonNode unchanged = api.get(PATH + "/" + id).json();
        assertThat(unchanged.path("enabled").asBoolean()).isTrue();
        assertThat(api.get(PATH + "/" + id + "/secret")
                        .json()
                        .path("current")
                        .path("secret")
                        .asString())
                .isEqualTo(secret);
    }

    @Test
    void anotherOrganizationsEndpointIsNotFoundOnEveryRoute() {
        ApiClient ours = admin();
        ApiClient theirs = admin();
        String id = created(ours.post(PATH, endpointJson("https://hooks.example.com/ours")))
                .path("endpoint")
                .path("id")
                .asString();
        String secret = ours.get(PATH + "/" + id + "/secret")
                .json()
                .path("current")
                .path("secret")
                .asString();

        List<ApiClient.Response> answers = List.of(
                theirs.get(PATH + "/" + id),
                theirs.patch(PATH + "/" + id, "{\"enabled\":false,\"url\":\"https://evil.example.net/\"}"),
                theirs.delete(PATH + "/" + id),
                theirs.get(PATH + "/" + id + "/secret"),
                theirs.post(PATH + "/" + id + "/secret/rotate", "{\"gracePeriod\":\"PT0S\"}"));
        for (ApiClient.Response answer : answers) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(404);
            assertThat(answer.body()).doesNotContain(secret, "hooks.example.com");
        }
        assertThat(ids(theirs)).isEmpty();

        JsonNode unchanged = ours.get(PATH + "/" + id).json();
        assertThat(unchanged.path("url").asString()).isEqualTo("https://hooks.example.com/ours");
        assertThat(unchanged.path("enabled").asBoolean()).isTrue();
        JsonNode secrets = ours.get(PATH + "/" + id + "/secret").json();
        assertThat(secrets.path("current").path("secret").asString()).isEqualTo(secret);
        assertThat(secrets.path("previous")).isEmpty();
    }

    @Test
    void aRotatedSecretStaysValidForItsGraceAndIsGoneAfterIt() {
        ApiClient api = admin();
        JsonNode body = created(api.post(PATH, endpointJson("https://hooks.example.com/rotate")));
        String id = body.path("endpoint").path("id").asString();
        String first = body.path("secret").asString();
        UUID endpoint = UUID.fromString(id);

        Instant before = clock.instant();
        ApiClient.Response rotated = api.post(PATH + "/" + id + "/secret/rotate", "{\"gracePeriod\":\"PT2S\"}");
        Instant after = clock.instant();
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        JsonNode secrets = rotated.json();
        String second = secrets.path("current").path("secret").asString();
        assertThat(second).startsWith("whsec_").isNotEqualTo(first);
        assertThat(secrets.path("current").has("expiresAt")).isFalse();
        assertThat(secrets.path("previous")).hasSize(1);
        assertThat(secrets.path("previous").get(0).path("secret").asString()).isEqualTo(first);
        Instant expiresAt =
                Instant.parse(secrets.path("previous").get(0).path("expiresAt").asString());
        assertThat(expiresAt).isBetween(before.plusSeconds(2), after.plusSeconds(2));
        assertThat(api.get(PATH + "/" + id + "/secret").body()).isEqualTo(rotated.body());
        assertThat(endpoints.signingSecrets(endpoint)).containsExactly(second, first);

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> api.get(PATH + "/" + id + "/secret")
                        .json()
                        .path("previous")
                        .isEmpty());
        assertThat(clock.instant()).isAfterOrEqualTo(expiresAt);
        assertThat(endpoints.signingSecrets(endpoint)).containsExactly(second);

        // The next rotation deletes the expired secret and gives the second the default grace of a day.
        Instant again = clock.instant();
        JsonNode third = api.post(PATH + "/" + id + "/secret/rotate", "").json();
        assertThat(third.path("previous")).hasSize(1);
        assertThat(third.path("previous").get(0).path("secret").asString()).isEqualTo(second);
        assertThat(Instant.parse(third.path("previous").get(0).path("expiresAt").asString()))
                .isBetween(again.plus(Duration.ofHours(24)), clock.instant().plus(Duration.ofHours(24)));
        assertThat(JdbcClient.create(database)
                        .sql("SELECT secret FROM webhook_secrets WHERE endpoint_id = ?")
                        .param(endpoint)
                        .query(String.class)
                        .list())
                .containsExactlyInAnyOrder(
                        second, third.path("current").path("secret").asString());
    }

    @Test
    void anEndpointDisabledByMailroomShowsWhyUntilAnAdminEnablesIt() {
        ApiClient api = admin();
        String id = created(api.post(PATH, endpointJson("https://hooks.example.com/failing")))
                .path("endpoint")
                .path("id")
                .asString();

        Instant before = clock.instant();
        assertThat(endpoints.disableWebhookEndpoint(UUID.fromString(id), "HTTP 500 on every attempt for 5 days"))
                .isTrue();
        JsonNode disabled = api.get(PATH + "/" + id).json();
        assertThat(disabled.path("enabled").asBoolean()).isFalse();
        assertThat(disabled.path("disabledReason").asString()).isEqualTo("HTTP 500 on every attempt for 5 days");
        assertThat(Instant.parse(disabled.path("disabledAt").asString())).isBetween(before, clock.instant());

        // Changing something else keeps the reason; enabling clears it.
        assertThat(api.patch(PATH + "/" + id, "{\"description\":\"looking into it\"}")
                        .json()
                        .path("disabledReason")
                        .asString())
                .isEqualTo("HTTP 500 on every attempt for 5 days");
        JsonNode enabled = api.patch(PATH + "/" + id, "{\"enabled\":true}").json();
        assertThat(enabled.path("enabled").asBoolean()).isTrue();
        assertThat(enabled.has("disabledReason")).isFalse();
        assertThat(enabled.has("disabledAt")).isFalse();
        assertThat(endpoints.disableWebhookEndpoint(UUID.randomUUID(), "gone")).isFalse();
    }

    @Test
    void anOrganizationHasAtMostTwentyEndpoints() {
        ApiClient api = admin();
        for (int i = 0; i < WebhookEndpoints.MAX_ENDPOINTS; i++) {
            created(api.post(PATH, endpointJson("https://hooks.example.com/" + i)));
        }
        ApiClient.Response refused = api.post(PATH, endpointJson("https://hooks.example.com/one-more"));

        assertThat(refused.status()).as(refused.body()).isEqualTo(409);
        assertThat(fields(refused)).containsExactly("webhookEndpoints");
        assertThat(refused.json().path("detail").asString()).contains("at most 20");
        assertThat(ids(api)).hasSize(WebhookEndpoints.MAX_ENDPOINTS);
    }

    @Test
    void creationsAtOnceStillStopAtTwenty() throws Exception {
        ApiClient api = admin();
        int attempts = WebhookEndpoints.MAX_ENDPOINTS + 5;
        ExecutorService pool = Executors.newFixedThreadPool(attempts);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < attempts; i++) {
                String url = "https://hooks.example.com/at-once-" + i;
                answers.add(pool.submit(() -> api.post(PATH, endpointJson(url)).status()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get(60, TimeUnit.SECONDS));
            }

            assertThat(statuses).filteredOn(s -> s == 201).hasSize(WebhookEndpoints.MAX_ENDPOINTS);
            assertThat(statuses).filteredOn(s -> s == 409).hasSize(attempts - WebhookEndpoints.MAX_ENDPOINTS);
            assertThat(ids(api)).hasSize(WebhookEndpoints.MAX_ENDPOINTS);
        } finally {
            pool.shutdownNow();
        }
    }
}
