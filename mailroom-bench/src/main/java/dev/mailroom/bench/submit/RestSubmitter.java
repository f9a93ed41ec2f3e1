package dev.mailroom.bench.submit;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Submits through {@code POST /api/v1/messages}; the API answers 202 once the broker confirmed.
 * Given several Bearer keys (one per organization), each request takes the next key in turn.
 */
public final class RestSubmitter implements Submitter {
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI messages;
    private final RoundRobin<String> apiKeys;
    private final int concurrency;

    public RestSubmitter(String apiUrl, String apiKey, int concurrency) {
        this(apiUrl, List.of(apiKey), concurrency);
    }

    /** @param apiKeys API keys with the send scope, one per organization, used in turn */
    public RestSubmitter(String apiUrl, List<String> apiKeys, int concurrency) {
        this.messages = URI.create(apiUrl + "/api/v1/messages");
        this.apiKeys = new RoundRobin<>(apiKeys);
        this.concurrency = concurrency;
    }

    @Override
    public CompletableFuture<UUID> submit(Email email) {
        // The API's JSON is the contract's Email shape (from, to, subject, text, tags, metadata, ...).
        HttpRequest request = HttpRequest.newBuilder(messages)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKeys.next())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ContractJson.write(email)))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            Matcher id = ID.matcher(response.body());
            if (response.statusCode() != 202 || !id.find()) {
                throw new IllegalStateException(new IOException("POST /api/v1/messages answered "
                        + response.statusCode() + ": "
                        + response.body()
                                .substring(0, Math.min(300, response.body().length()))));
            }
            return UUID.fromString(id.group(1));
        });
    }

    @Override
    public int maxInFlight() {
        return concurrency;
    }

    /** Organizations (keys) the submissions are spread over. */
    public int organizations() {
        return apiKeys.size();
    }

    @Override
    public void close() {
        // The JDK 17 HttpClient has no close(); its threads are daemons.
    }
}
