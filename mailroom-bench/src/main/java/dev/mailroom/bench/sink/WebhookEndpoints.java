package dev.mailroom.bench.sink;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Registers a webhook endpoint through Mailroom's REST API ({@code POST /api/v1/webhook-endpoints}), as a customer does. */
public final class WebhookEndpoints {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** The endpoint created: its id and its {@code whsec_} secret. */
    public record Registered(String id, String secret) {}

    private WebhookEndpoints() {}

    /** Registers {@code url} subscribed to every event type ({@code *}) with a key holding the admin scope. */
    public static Registered register(String apiUrl, String adminKey, String url)
            throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url);
        body.put("eventTypes", List.of("*"));
        body.put("description", "mailroom-bench sink");
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(apiUrl + "/api/v1/webhook-endpoints"))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + adminKey)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IOException(
                    "POST /api/v1/webhook-endpoints answered " + response.statusCode() + ": " + response.body());
        }
        JsonNode created = JSON.readTree(response.body());
        String secret = created.path("secret").asString("");
        String id = created.path("endpoint").path("id").asString("");
        if (!secret.startsWith("whsec_") || id.isEmpty()) {
            throw new IOException(
                    "POST /api/v1/webhook-endpoints answered no endpoint id or secret: " + response.body());
        }
        return new Registered(id, secret);
    }

    /** Deletes an endpoint registered by {@link #register}. */
    public static void delete(String apiUrl, String adminKey, String id) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(apiUrl + "/api/v1/webhook-endpoints/" + id))
                        .timeout(Duration.ofSeconds(30))
                        .header("Authorization", "Bearer " + adminKey)
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 204) {
            throw new IOException("DELETE /api/v1/webhook-endpoints/" + id + " answered " + response.statusCode());
        }
    }
}
