package dev.mailroom.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.SignedInClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every route Spring MVC has (read from its handler mapping, so a new route cannot escape), called
 * with another organization's admin key and this organization's ids: its message, member, key and
 * person are "not found", its lists show nothing of it, the platform's routes are forbidden, and
 * nothing of it changes. A new route fails this test until it is given its expected answer here.
 */
@EndToEndTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OrganizationIsolationTest {
    static final String PASSWORD = "correct horse battery";

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mvc;

    String foreignKey;
    String foreignOrganization;
    String messageId;
    String memberId;
    String keyId;
    String userId;
    String userEmail;
    String endpointId;
    String endpointSecret;
    String suppressedEmail;
    String erasureId;

    private ApiClient api() {
        return new ApiClient(port);
    }

    @BeforeAll
    void twoOrganizations() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        foreignOrganization = "other-" + suffix;
        String ownerEmail = "owner-" + suffix + "@example.net";
        ApiClient.Response created = api().post(
                        "/api/v1/organizations",
                        "{\"id\":\"" + foreignOrganization + "\",\"name\":\"Other Inc\",\"owner\":{\"email\":\""
                                + ownerEmail + "\",\"displayName\":\"Olive\",\"password\":\"" + PASSWORD + "\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        SignedInClient owner = new SignedInClient(port);
        assertThat(owner.signIn(ownerEmail, PASSWORD).status()).isEqualTo(204);
        ApiClient.Response key =
                owner.post("/api/v1/keys", "{\"name\":\"other's admin\",\"scopes\":[\"send\",\"read\",\"admin\"]}");
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        foreignKey = key.json().path("secret").asString();

        memberId = "isolated-member-" + suffix;
        messageId = api().submit(ApiClient.email(
                "isolated-" + suffix + "@example.org",
                "{\"to\":[{\"email\":\"isolated-" + suffix + "@example.org\",\"memberId\":\"" + memberId + "\"}]}"));
        await().atMost(Duration.ofSeconds(20)).until(() -> api().message(messageId) != null);
        keyId = api().post("/api/v1/keys", "{\"name\":\"ours\",\"scopes\":[\"read\"]}")
                .json()
                .path("key")
                .path("id")
                .asString();
        userEmail = "ours-" + suffix + "@example.org";
        userId = api().post(
                        "/api/v1/users",
                        "{\"email\":\"" + userEmail + "\",\"displayName\":\"Us\",\"role\":\"admin\",\"password\":\""
                                + PASSWORD + "\"}")
                .json()
                .path("id")
                .asString();
        ApiClient.Response endpoint = api().post(
                        "/api/v1/webhook-endpoints",
                        "{\"url\":\"https://hooks.example.com/isolated-" + suffix + "\",\"eventTypes\":[\"*\"]}");
        assertThat(endpoint.status()).as(endpoint.body()).isEqualTo(201);
        endpointId = endpoint.json().path("endpoint").path("id").asString();
        endpointSecret = endpoint.json().path("secret").asString();
        suppressedEmail = "suppressed-" + suffix + "@example.org";
        ApiClient.Response suppressed =
                api().post("/api/v1/suppressions", "{\"email\":\"" + suppressedEmail + "\",\"note\":\"ours\"}");
        assertThat(suppressed.status()).as(suppressed.body()).isEqualTo(201);
        ApiClient.Response erasure =
                api().post("/api/v1/recipients/erase", "{\"email\":\"erased-" + suffix + "@example.org\"}");
        assertThat(erasure.status()).as(erasure.body()).isEqualTo(202);
        erasureId = erasure.json().path("id").asString();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api().get("/api/v1/erasures/" + erasureId).status() == 200);
    }

    record Route(String method, String pattern) {}

    /** What another organization's admin key gets from each route, by method and pattern. */
    Map<Route, Integer> expectedAnswers() {
        Map<Route, Integer> expected = new LinkedHashMap<>();
        // Ours, by id: not found.
        expected.put(new Route("GET", "/api/v1/messages/{id}"), 404);
        expected.put(new Route("POST", "/api/v1/messages/{id}/cancel"), 404);
        expected.put(new Route("POST", "/api/v1/messages/{id}/retry"), 404);
        expected.put(new Route("PATCH", "/api/v1/messages/{id}"), 404);
        expected.put(new Route("GET", "/api/v1/members/{memberId}"), 404);
        expected.put(new Route("PUT", "/api/v1/users/{userId}"), 404);
        expected.put(new Route("DELETE", "/api/v1/users/{userId}"), 404);
        expected.put(new Route("POST", "/api/v1/keys/{id}/revoke"), 404);
        expected.put(new Route("GET", "/api/v1/webhook-endpoints/{id}"), 404);
        expected.put(new Route("PATCH", "/api/v1/webhook-endpoints/{id}"), 404);
        expected.put(new Route("DELETE", "/api/v1/webhook-endpoints/{id}"), 404);
        expected.put(new Route("GET", "/api/v1/webhook-endpoints/{id}/secret"), 404);
        expected.put(new Route("POST", "/api/v1/webhook-endpoints/{id}/secret/rotate"), 404);
        expected.put(new Route("GET", "/api/v1/suppressions/{email}"), 404);
        expected.put(new Route("DELETE", "/api/v1/suppressions/{email}"), 404);
        expected.put(new Route("GET", "/api/v1/webhook-endpoints/{id}/deliveries"), 404);
        expected.put(new Route("POST", "/api/v1/webhook-endpoints/{id}/replay"), 404);
        expected.put(new Route("POST", "/api/v1/webhook-endpoints/{id}/test"), 404);
        expected.put(new Route("GET", "/api/v1/erasures/{id}"), 404);
        // Lists: theirs only (checked for our ids below).
        expected.put(new Route("GET", "/api/v1/messages"), 200);
        expected.put(new Route("GET", "/api/v1/members"), 200);
        // Their figures: none of our emails counted (checked below).
        expected.put(new Route("GET", "/api/v1/overview"), 200);
        expected.put(new Route("GET", "/api/v1/users"), 200);
        expected.put(new Route("GET", "/api/v1/keys"), 200);
        expected.put(new Route("GET", "/api/v1/webhook-endpoints"), 200);
        expected.put(new Route("GET", "/api/v1/suppressions"), 200);
        expected.put(new Route("GET", "/api/v1/suppressions/export"), 200);
        expected.put(new Route("GET", "/api/v1/erasures"), 200);
        expected.put(new Route("GET", "/api/v1/organization"), 200);
        expected.put(new Route("GET", "/api/v1/usage"), 200);
        expected.put(new Route("GET", "/api/v1/retention"), 200);
        expected.put(new Route("GET", "/api/v1/session"), 200);
        // Not about an organization's data.
        expected.put(new Route("GET", "/api/v1/settings"), 200);
        expected.put(new Route("GET", "/api/v1/sign-in-options"), 200);
        // Public, the token is the capability: a made-up one is not a token.
        expected.put(new Route("GET", "/unsubscribe/{token}"), 400);
        expected.put(new Route("POST", "/unsubscribe/{token}"), 400);
        // Creating in their own organization, with an empty body: refused as invalid, nothing made.
        expected.put(new Route("POST", "/api/v1/messages"), 422);
        expected.put(new Route("POST", "/api/v1/messages/batch"), 422);
        expected.put(new Route("POST", "/api/v1/users"), 422);
        expected.put(new Route("POST", "/api/v1/keys"), 422);
        expected.put(new Route("POST", "/api/v1/webhook-endpoints"), 422);
        expected.put(new Route("POST", "/api/v1/suppressions"), 422);
        expected.put(new Route("POST", "/api/v1/recipients/erase"), 422);
        // Changing their own organization's retention, with an empty body: refused as invalid, nothing changed.
        expected.put(new Route("PUT", "/api/v1/retention"), 422);
        // A JSON body where a CSV file is expected: refused as such, nothing imported.
        expected.put(new Route("POST", "/api/v1/suppressions/import"), 415);
        expected.put(new Route("PUT", "/api/v1/session/organization"), 422);
        expected.put(new Route("PUT", "/api/v1/session/password"), 422);
        // The API description and Swagger UI: public and the same for everyone, no organization's data in them.
        expected.put(new Route("GET", "/v3/api-docs"), 200);
        expected.put(new Route("GET", "/v3/api-docs.yaml"), 200);
        expected.put(new Route("GET", "/v3/api-docs/swagger-config"), 200);
        expected.put(new Route("GET", "/swagger-ui.html"), 302);
        // The platform's: forbidden to an organization's key.
        for (String platform : List.of(
                "GET /api/v1/dead-letters",
                "POST /api/v1/dead-letters/{id}/replay",
                "POST /api/v1/dead-letters/{id}/discard",
                "PUT /api/v1/settings/default-provider",
                "PUT /api/v1/settings/failover",
                "GET /api/v1/organizations",
                "POST /api/v1/organizations",
                "GET /api/v1/organizations/{id}",
                "GET /api/v1/organizations/{id}/usage",
                "PUT /api/v1/organizations/{id}/limits",
                "GET /api/v1/platform/plans",
                "GET /api/v1/platform/keys",
                "POST /api/v1/platform/keys",
                "POST /api/v1/platform/keys/{id}/revoke")) {
            String[] parts = platform.split(" ");
            expected.put(new Route(parts[0], parts[1]), 403);
        }
        return expected;
    }

    Set<Route> routes() {
        Set<Route> routes = new LinkedHashSet<>();
        mvc.getHandlerMethods().forEach((info, handler) -> {
            if (handler.getBeanType().getPackageName().startsWith("dev.mailroom.server.webhooks")) {
                return;
            }
            for (String pattern : info.getPatternValues()) {
                for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                    routes.add(new Route(method.name(), pattern));
                }
            }
        });
        return routes;
    }

    String pathOf(Route route) {
        String pattern = route.pattern();
        if (pattern.startsWith("/api/v1/messages/")) {
            return pattern.replace("{id}", messageId);
        }
        if (pattern.startsWith("/api/v1/webhook-endpoints/")) {
            return pattern.replace("{id}", endpointId);
        }
        if (pattern.startsWith("/api/v1/erasures/")) {
            return pattern.replace("{id}", erasureId);
        }
        if (pattern.startsWith("/api/v1/keys/")) {
            return pattern.replace("{id}", keyId);
        }
        if (pattern.startsWith("/api/v1/organizations/")) {
            return pattern.replace("{id}", "default");
        }
        return pattern.replace("{email}", suppressedEmail)
                .replace("{memberId}", memberId)
                .replace("{userId}", userId)
                .replaceAll("\\{[^}]*}", UUID.randomUUID().toString());
    }

    @Test
    void everyRouteWithAnotherOrganizationsKeyFindsNothingOfOursAndChangesNothing() {
        Map<Route, Integer> expected = expectedAnswers();
        ApiClient foreign = api().as(foreignKey);
        String ourRetention = api().get("/api/v1/retention").body();
        SoftAssertions softly = new SoftAssertions();
        for (Route route : routes()) {
            softly.assertThat(expected)
                    .as("a new route " + route + ": say here what another organization's key gets from it")
                    .containsKey(route);
            if (!expected.containsKey(route)) {
                continue;
            }
            String path = pathOf(route);
            ApiClient.Response answer = switch (route.method()) {
                case "GET" -> foreign.get(path);
                case "POST" -> foreign.post(path, "{}");
                case "PUT" -> foreign.put(path, "{}");
                case "PATCH" -> foreign.patch(path, "{}");
                case "DELETE" -> foreign.delete(path);
                default -> throw new AssertionError(route.method());
            };
            softly.assertThat(answer.status()).as(route + " → " + answer.body()).isEqualTo(expected.get(route));
            // An answer may repeat what was asked (the path, its id); anything else of ours would be a leak.
            String[] ours = Stream.of(
                            messageId,
                            memberId,
                            keyId,
                            userId,
                            userEmail,
                            endpointId,
                            endpointSecret,
                            suppressedEmail,
                            erasureId)
                    .filter(id -> !path.contains(id))
                    .toArray(String[]::new);
            softly.assertThat(answer.body())
                    .as(route + " shows nothing of ours")
                    .doesNotContain(ours);
        }
        softly.assertAll();

        assertThat(api().message(messageId)).isNotNull();
        // Our email counts in our figures, never in theirs (their organization has sent nothing).
        assertThat(api().get("/api/v1/overview?days=2")
                        .json()
                        .path("totals")
                        .path("sent")
                        .asLong())
                .isPositive();
        assertThat(foreign.get("/api/v1/overview?days=2")
                        .json()
                        .path("totals")
                        .path("sent")
                        .asLong())
                .isZero();
        assertThat(api().get("/api/v1/suppressions/" + suppressedEmail).status())
                .isEqualTo(200);
        assertThat(api().get("/api/v1/keys").body()).contains(keyId);
        assertThat(api().get("/api/v1/users").body()).contains(userEmail);
        assertThat(api().get("/api/v1/webhook-endpoints/" + endpointId).status())
                .isEqualTo(200);
        assertThat(api().get("/api/v1/webhook-endpoints/" + endpointId + "/secret")
                        .json()
                        .path("current")
                        .path("secret")
                        .asString())
                .isEqualTo(endpointSecret);
        api().delete("/api/v1/webhook-endpoints/" + endpointId);
        assertThat(api().get("/api/v1/retention").body()).isEqualTo(ourRetention);
        assertThat(foreign.get("/api/v1/retention")
                        .json()
                        .path("organizationId")
                        .asString())
                .isEqualTo(foreignOrganization);
        assertThat(api().get("/api/v1/organization").json().path("id").asString())
                .isEqualTo("default");
        assertThat(foreign.get("/api/v1/organization").json().path("id").asString())
                .isEqualTo(foreignOrganization);
    }
}
