package dev.mailroom.bench.load;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Creates the organizations a run spreads its load over, the way a platform and its customers
 * would, through the real REST API: the platform key creates organization {@code bench-i} with an
 * owner; the owner signs in as a browser does (CSRF cookie, form login, session cookie) and
 * creates a key with the scopes send and read (and admin, when the run registers webhook endpoints). Each owner has an HTTP client and cookie jar of its
 * own, so that no session or CSRF token leaks from one organization to the next.
 */
public final class BenchOrganizations {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One organization the benchmark created, and the secret of its send+read key. */
    public record Organization(String id, String ownerEmail, String key) {}

    private final URI api;
    private final String platformKey;
    private final List<String> scopes;
    /** What the ids and owners' addresses start with: "bench", or a run's own on a database kept from before. */
    private String prefix = "bench";

    public BenchOrganizations(String apiUrl, String platformKey) {
        this(apiUrl, platformKey, false);
    }

    /** @param admin whether the keys also get the admin scope (registering webhook endpoints needs it) */
    public BenchOrganizations(String apiUrl, String platformKey, boolean admin) {
        this.api = URI.create(apiUrl);
        this.platformKey = platformKey;
        this.scopes = admin ? List.of("send", "read", "admin") : List.of("send", "read");
    }

    /** The id of the i-th organization (from 1). */
    public static String organizationId(int i) {
        return "bench-" + i;
    }

    /**
     * Organizations {@code <prefix>-1 .. <prefix>-n} instead, owned by {@code owner-i@<prefix>.bench.example}: on a
     * database that holds another run's organizations (bench --keep-database on the history benchmark's).
     */
    public BenchOrganizations prefixed(String prefix) {
        this.prefix = prefix;
        return this;
    }

    /** Creates organizations bench-1 .. bench-n, each with its owner and key. */
    public List<Organization> create(int n) throws IOException, InterruptedException {
        List<Organization> created = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            created.add(createOne(i));
        }
        return created;
    }

    private Organization createOne(int i) throws IOException, InterruptedException {
        String id = prefix + "-" + i;
        String email = "owner-" + i + "@" + (prefix.equals("bench") ? "" : prefix + ".") + "bench.example";
        String password = randomPassword();

        HttpClient platform = client(null);
        Map<String, Object> owner = new LinkedHashMap<>();
        owner.put("email", email);
        owner.put("displayName", "Owner " + i);
        owner.put("password", password);
        Map<String, Object> organization = new LinkedHashMap<>();
        organization.put("id", id);
        organization.put("name", "Bench " + i);
        organization.put("owner", owner);
        expect(
                platform,
                json("/api/v1/organizations", organization)
                        .header("Authorization", "Bearer " + platformKey)
                        .build(),
                201);

        // The owner, as a browser: a CSRF token first, then the form login, then a new token for the session.
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        HttpClient browser = client(cookies);
        expect(browser, get("/api/v1/sign-in-options"), 200);
        String form = "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password, StandardCharsets.UTF_8);
        expect(
                browser,
                request("/login")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-XSRF-TOKEN", xsrfToken(cookies))
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                204);
        expect(browser, get("/api/v1/session"), 200);
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("name", "bench");
        key.put("scopes", scopes);
        JsonNode createdKey = JSON.readTree(expect(
                browser,
                json("/api/v1/keys", key)
                        .header("X-XSRF-TOKEN", xsrfToken(cookies))
                        .build(),
                201));
        JsonNode secret = createdKey.get("secret");
        if (secret == null || !secret.isString() || secret.asString().isBlank()) {
            throw new IOException("POST /api/v1/keys for " + id + " answered no secret: " + createdKey);
        }
        return new Organization(id, email, secret.asString());
    }

    private static HttpClient client(CookieManager cookies) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (cookies != null) {
            builder.cookieHandler(cookies);
        }
        return builder.build();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(api.resolve(path)).timeout(TIMEOUT);
    }

    private HttpRequest get(String path) {
        return request(path).GET().build();
    }

    private HttpRequest.Builder json(String path, Object body) {
        return request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }

    /** The request's body when it answered {@code status}; otherwise a failure naming the call and its answer. */
    private static String expect(HttpClient http, HttpRequest request, int status)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != status) {
            String body = response.body();
            throw new IOException("provisioning the bench organizations: " + request.method() + " "
                    + request.uri().getPath() + " answered " + response.statusCode() + " (expected " + status
                    + "): " + body.substring(0, Math.min(500, body.length())));
        }
        return response.body();
    }

    private String xsrfToken(CookieManager cookies) throws IOException {
        return cookies.getCookieStore().get(api).stream()
                .filter(c -> c.getName().equals("XSRF-TOKEN"))
                .map(HttpCookie::getValue)
                .reduce((first, later) -> later)
                .orElseThrow(() -> new IOException("Mailroom set no XSRF-TOKEN cookie"));
    }

    /** 24 random bytes: 32 characters no password rule refuses and no one guesses. */
    private static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
