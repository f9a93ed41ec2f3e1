package dev.mailroom.server.api.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.api.NonAdminTestKey;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Every status the API actually answers is in its description: each operation is called without
 * credentials, with ids nobody has, and with a malformed and an empty body, and each answer's status
 * must be one the description lists for that operation. A key lacking the scope the description names
 * must get 403: the scope described is the one demanded. Nothing here
 * changes anything (unknown ids, refused or unreadable requests).
 */
@EndToEndTest
class OpenApiProbeTest {
    @LocalServerPort
    int port;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void everyStatusAnOperationAnswersIsDescribed() {
        JsonNode document = new ApiClient(port).getWith("/v3/api-docs").json();
        String readOnly = TestOrganizations.create(port, "probe-read-", "read").key();
        String sendOnly = TestOrganizations.create(port, "probe-send-", "send").key();
        List<String> undocumented = new ArrayList<>();
        int calls = 0;
        for (var path : document.path("paths").properties()) {
            for (var entry : path.getValue().properties()) {
                String method = entry.getKey().toUpperCase(Locale.ROOT);
                JsonNode operation = entry.getValue();
                String url = withUnknownIds(path.getKey(), operation);
                String scope = scopeOf(operation);
                boolean body = operation.has("requestBody");
                String bodyType = body
                        ? operation
                                .path("requestBody")
                                .path("content")
                                .propertyNames()
                                .iterator()
                                .next()
                        : "application/json";
                String fullKey = ApiClient.keyFor(path.getKey());
                List<Probe> probes = new ArrayList<>();
                probes.add(new Probe("no credentials", null, body ? "{}" : null, bodyType));
                if (scope != null) {
                    String lacking = switch (scope) {
                        case "send" -> readOnly;
                        case "read" -> sendOnly;
                        case "admin", "platform" -> NonAdminTestKey.KEY;
                        default -> null;
                    };
                    if (lacking != null) {
                        calls++;
                        Probe probe = new Probe("a key without '" + scope + "'", lacking, body ? "{}" : null, bodyType);
                        int status = call(method, url, probe);
                        // The scope the description names is the one the route demands: without it, 403.
                        if (status != 403) {
                            undocumented.add(method + " " + path.getKey() + " ("
                                    + operation.path("operationId").asString() + ") is described as needing '"
                                    + scope + "', but " + probe.what() + " got " + status);
                        }
                    }
                }
                boolean pathIds = !url.equals(path.getKey());
                if (pathIds || method.equals("GET")) {
                    probes.add(new Probe("unknown ids", fullKey, body ? "{}" : null, bodyType));
                }
                if (body) {
                    probes.add(new Probe("a malformed body", fullKey, "{\"", bodyType));
                    probes.add(new Probe("an empty body", fullKey, "", bodyType));
                }
                for (Probe probe : probes) {
                    calls++;
                    int status = call(method, url, probe);
                    if (!operation.path("responses").has(Integer.toString(status))) {
                        undocumented.add(method + " " + path.getKey() + " ("
                                + operation.path("operationId").asString() + ") with " + probe.what() + ": " + status
                                + " is not described");
                    }
                }
            }
        }
        assertThat(calls).isGreaterThan(100);
        assertThat(undocumented).isEmpty();
    }

    private record Probe(String what, String key, String body, String contentType) {}

    private int call(String method, String url, Probe probe) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + url))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        probe.body() == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(probe.body(), StandardCharsets.UTF_8));
        if (probe.body() != null) {
            request.header("Content-Type", probe.contentType());
        }
        if (probe.key() != null) {
            request.header("Authorization", "Bearer " + probe.key());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new AssertionError(method + " " + url + ": " + e, e);
        }
    }

    /** The path with every variable an id nobody has: a UUID where the description says uuid. */
    private static String withUnknownIds(String path, JsonNode operation) {
        String url = path;
        for (JsonNode parameter : operation.path("parameters")) {
            if (!"path".equals(parameter.path("in").asString())) {
                continue;
            }
            String name = parameter.path("name").asString();
            JsonNode schema = parameter.path("schema");
            String value = "uuid".equals(schema.path("format").asString())
                    ? UUID.randomUUID().toString()
                    : name.toLowerCase(Locale.ROOT).contains("email")
                            ? "nobody-" + UUID.randomUUID().toString().substring(0, 8) + "@example.net"
                            : "unknown-" + UUID.randomUUID().toString().substring(0, 8);
            url = url.replace("{" + name + "}", value);
        }
        return url;
    }

    /** The scope the description says the operation needs; "" for any caller; null when public. */
    private static String scopeOf(JsonNode operation) {
        JsonNode security = operation.path("security");
        if (security.isEmpty()) {
            return null;
        }
        JsonNode scopes = security.path(0).path("apiKey");
        return scopes.isEmpty() ? "" : scopes.path(0).asString();
    }
}
