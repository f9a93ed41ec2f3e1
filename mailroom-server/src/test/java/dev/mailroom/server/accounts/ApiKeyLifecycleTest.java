package dev.mailroom.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** An organization's API keys from creation to revocation, through the REST API as an admin would use it. */
@EndToEndTest
class ApiKeyLifecycleTest {
    @LocalServerPort
    int port;

    private ApiClient api() {
        return new ApiClient(port);
    }

    private JsonNode create(String json) {
        ApiClient.Response created = api().post("/api/v1/keys", json);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    @Test
    void aKeyIsShownOnceListedByItsPrefixAndWorksWithinItsScopes() {
        JsonNode created = create("{\"name\":\"reporting\",\"scopes\":[\"read\"]}");
        String secret = created.path("secret").asString();
        String prefix = created.path("key").path("prefix").asString();

        assertThat(secret).startsWith(prefix + "_").startsWith("mr_");
        String listing = api().get("/api/v1/keys").body();
        assertThat(listing).contains(prefix, "reporting").doesNotContain(secret);

        ApiClient reader = api().as(secret);
        assertThat(reader.get("/api/v1/messages").status()).isEqualTo(200);
        ApiClient.Response send = reader.post("/api/v1/messages", ApiClient.email("scoped@example.org"));
        assertThat(send.status()).isEqualTo(403);
        assertThat(send.json().path("detail").asString()).contains("scope 'send'");
        ApiClient.Response keys = reader.get("/api/v1/keys");
        assertThat(keys.status()).isEqualTo(403);
        assertThat(keys.json().path("detail").asString()).contains("scope 'admin'");
        ApiClient.Response platform = reader.get("/api/v1/organizations");
        assertThat(platform.status()).isEqualTo(403);
    }

    @Test
    void aRevokedKeyIsRefusedWithA401ThatSaysSo() {
        JsonNode created = create("{\"name\":\"leaked\",\"scopes\":[\"send\",\"read\"]}");
        ApiClient holder = api().as(created.path("secret").asString());
        assertThat(holder.get("/api/v1/messages").status()).isEqualTo(200);

        ApiClient.Response revoked =
                api().post("/api/v1/keys/" + created.path("key").path("id").asString() + "/revoke", "");

        assertThat(revoked.status()).isEqualTo(200);
        assertThat(revoked.json().path("revokedAt").isNull()).isFalse();
        ApiClient.Response refused = holder.get("/api/v1/messages");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().path("detail").asString()).contains("was revoked");
        assertThat(holder.post("/api/v1/messages", ApiClient.email("late@example.org"))
                        .status())
                .isEqualTo(401);
    }

    @Test
    void anExpiredKeyIsRefusedWithA401ThatSaysSo() {
        Instant soon = Instant.now().plusSeconds(2);
        JsonNode created = create("{\"name\":\"short-lived\",\"scopes\":[\"read\"],\"expiresAt\":\"" + soon + "\"}");
        ApiClient holder = api().as(created.path("secret").asString());
        assertThat(holder.get("/api/v1/messages").status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            ApiClient.Response refused = holder.get("/api/v1/messages");
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.json().path("detail").asString()).contains("expired");
        });
    }

    @Test
    void aKeysLastUseIsRecordedWithoutAWritePerRequest() {
        JsonNode created = create("{\"name\":\"busy\",\"scopes\":[\"read\"]}");
        String id = created.path("key").path("id").asString();
        assertThat(created.path("key").path("lastUsedAt").isMissingNode()
                        || created.path("key").path("lastUsedAt").isNull())
                .isTrue();

        ApiClient holder = api().as(created.path("secret").asString());
        for (int i = 0; i < 5; i++) {
            holder.get("/api/v1/messages");
        }

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode listed = keyInListing(id);
            assertThat(listed.path("lastUsedAt").asString()).isNotBlank();
        });
    }

    @Test
    void badKeyRequestsAreNamedAndCreateNothing() {
        int before = api().get("/api/v1/keys").json().path("items").size();

        ApiClient.Response unknownScope = api().post("/api/v1/keys", "{\"name\":\"x\",\"scopes\":[\"read\",\"root\"]}");
        ApiClient.Response noName = api().post("/api/v1/keys", "{\"scopes\":[\"read\"]}");
        ApiClient.Response past = api().post(
                        "/api/v1/keys",
                        "{\"name\":\"x\",\"scopes\":[\"read\"],\"expiresAt\":\"2001-01-01T00:00:00Z\"}");
        ApiClient.Response unknownKey = api().post("/api/v1/keys/" + UUID.randomUUID() + "/revoke", "");

        assertThat(unknownScope.status()).isEqualTo(422);
        assertThat(unknownScope.json().path("errors").get(0).path("field").asString())
                .isEqualTo("scopes[1]");
        assertThat(noName.status()).isEqualTo(422);
        assertThat(noName.json().path("errors").get(0).path("field").asString()).isEqualTo("name");
        assertThat(past.status()).isEqualTo(422);
        assertThat(past.json().path("errors").get(0).path("field").asString()).isEqualTo("expiresAt");
        assertThat(unknownKey.status()).isEqualTo(404);
        assertThat(api().get("/api/v1/keys").json().path("items").size()).isEqualTo(before);
    }

    @Test
    void theBootstrapKeyIsListedAsTheFirstOrganizationsKey() {
        assertThat(api().get("/api/v1/keys").body()).contains("\"prefix\":\"bootstrap\"");
        assertThat(api().get("/api/v1/organization").json().path("id").asString())
                .isEqualTo("default");
    }

    private JsonNode keyInListing(String id) {
        for (JsonNode key : api().get("/api/v1/keys").json().path("items")) {
            if (key.path("id").asString().equals(id)) {
                return key;
            }
        }
        throw new AssertionError("key " + id + " not listed");
    }
}
