package dev.mailroom.server.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Talks to a running Mailroom over real HTTP, as an application would. */
public final class ApiClient {
    /** mailroom.api.bootstrap-key of the end-to-end Mailroom: the first organization's admin key (send, read, admin). */
    public static final String TEST_KEY = "test-api-key-0123456789";
    /** mailroom.api.platform-key of the end-to-end Mailroom: settings, dead letters, organizations, metrics. */
    public static final String TEST_PLATFORM_KEY = "test-platform-key-0123456789";
    /** The first platform operator's password in the end-to-end Mailroom (email admin@localhost). */
    public static final String TEST_OPERATOR_PASSWORD = "operator-test-password-7391";
    /** The sandbox webhook secret of the end-to-end suite (EndToEndTest). */
    public static final String TEST_SANDBOX_SECRET = "whsec_sandbox_test_0123456789";
    /** mailroom.management.metrics-token of the end-to-end tests' Mailroom. */
    public static final String TEST_METRICS_TOKEN = "test-metrics-token-0123456789";

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    /** The key every request sends; null: {@link #keyFor(String)} chooses. */
    private final String key;

    public ApiClient(int port) {
        this("http://127.0.0.1:" + port, null);
    }

    private ApiClient(String baseUrl, String key) {
        this.baseUrl = baseUrl;
        this.key = key;
    }

    /** The same Mailroom, called with this key on every route. */
    public ApiClient as(String key) {
        return new ApiClient(baseUrl, key);
    }

    public Response delete(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + keyOf(path))
                .DELETE()
                .build();
        return send(request);
    }

    private String keyOf(String path) {
        return key != null ? key : keyFor(path);
    }

    public record Response(int status, String contentType, String body, Map<String, List<String>> headers) {
        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    public Response post(String path, String body, String... headers) {
        List<String> all =
                new ArrayList<>(List.of("Authorization", "Bearer " + keyOf(path), "Content-Type", "application/json"));
        all.addAll(List.of(headers));
        return postRaw(path, body.getBytes(java.nio.charset.StandardCharsets.UTF_8), all.toArray(String[]::new));
    }

    public Response postRaw(String path, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    public Response put(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + keyOf(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return send(request);
    }

    public Response patch(String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + keyOf(path))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .build();
        return send(request);
    }

    public Response get(String path) {
        return getWith(path, "Authorization", "Bearer " + keyOf(path));
    }

    /**
     * The platform's routes (settings changes, dead letters, organizations, platform keys, metrics) with
     * the platform key, everything else with the organization's admin key: as an operator's scripts would.
     */
    public static String keyFor(String path) {
        boolean platform = path.startsWith("/api/v1/settings/")
                || path.startsWith("/api/v1/dead-letters")
                || path.startsWith("/api/v1/organizations")
                || path.startsWith("/api/v1/platform/")
                || path.startsWith("/actuator/");
        return platform ? TEST_PLATFORM_KEY : TEST_KEY;
    }

    public Response getWith(String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    /** Submits an email and returns its id; fails the test unless the API answered 202. */
    public String submit(String json, String... headers) {
        Response response = post("/api/v1/messages", json, headers);
        if (response.status() != 202) {
            throw new AssertionError("expected 202 but got " + response.status() + ": " + response.body());
        }
        return response.json().get("id").asString();
    }

    public JsonNode message(String id) {
        Response response = get("/api/v1/messages/" + id);
        return response.status() == 200 ? response.json() : null;
    }

    private Response send(HttpRequest request) {
        return send(http, request);
    }

    /** Sends and reads the whole answer; a failure to talk at all fails the test. */
    static Response send(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body(),
                    response.headers().map());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A minimal valid email body with the given recipient. */
    public static String email(String to) {
        return email(to, "{}");
    }

    /** A minimal valid email body; {@code extraJson} is merged in (e.g. {"tags":["a"]}). */
    public static String email(String to, String extraJson) {
        tools.jackson.databind.node.ObjectNode node = JSON.createObjectNode();
        node.putObject("from").put("email", "app@example.com").put("name", "Example App");
        node.putArray("to").addObject().put("email", to);
        node.put("subject", "Hello");
        node.put("text", "Hello from the tests");
        JsonNode extra = JSON.readTree(extraJson);
        extra.properties().forEach(e -> node.set(e.getKey(), e.getValue()));
        return JSON.writeValueAsString(node);
    }
}
