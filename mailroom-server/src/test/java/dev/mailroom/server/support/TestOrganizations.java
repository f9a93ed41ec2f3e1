package dev.mailroom.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

/** Organizations of their own for a test, made through the real API as a platform operator would. */
public final class TestOrganizations {
    private static final String PASSWORD = "correct horse battery staple";

    private TestOrganizations() {}

    /** A new organization and an API key of it. */
    public record Organization(String id, String key) {}

    /**
     * Creates an organization (its id {@code idPrefix} and a random suffix) whose owner creates a key
     * with {@code scopes} (JSON strings, e.g. {@code "send"}).
     */
    public static Organization create(int port, String idPrefix, String... scopes) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String id = idPrefix + suffix;
        String owner = "owner-" + suffix + "@example.net";
        ApiClient.Response created = new ApiClient(port)
                .post(
                        "/api/v1/organizations",
                        "{\"id\":\"" + id + "\",\"name\":\"" + id + "\",\"owner\":{\"email\":\"" + owner
                                + "\",\"displayName\":\"Owner\",\"password\":\"" + PASSWORD + "\"}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        SignedInClient signedIn = new SignedInClient(port);
        assertThat(signedIn.signIn(owner, PASSWORD).status()).isEqualTo(204);
        ApiClient.Response key = signedIn.post(
                "/api/v1/keys", "{\"name\":\"test key\",\"scopes\":[\"" + String.join("\",\"", scopes) + "\"]}");
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        return new Organization(id, key.json().path("secret").asString());
    }
}
