package dev.mailroom.bench.submit;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Submits through {@code POST /api/v1/messages}; the API answers 202 once the broker confirmed.
 * Given several Bearer keys (one per organization), each request takes the next key in turn.
 *
 * <p>With a batch size above 1 it submits through {@code POST /api/v1/messages/batch} instead: emails
 * are gathered until the batch is full or {@link #LINGER} has passed since the first of it, and each
 * email's future completes from its own item of the 207 answer.
 */
public final class RestSubmitter implements Submitter {
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");
    /** How long a batch that is not full waits for more emails: short, so a slow rate still flows. */
    static final Duration LINGER = Duration.ofMillis(5);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI messages;
    private final URI batches;
    private final RoundRobin<String> apiKeys;
    private final int concurrency;
    private final int batchSize;
    private final ScheduledExecutorService linger;
    private final Duration lingerFor;

    private record Pending(byte[] json, CompletableFuture<UUID> result) {}

    private List<Pending> gathering = new ArrayList<>();

    public RestSubmitter(String apiUrl, String apiKey, int concurrency) {
        this(apiUrl, List.of(apiKey), concurrency);
    }

    /** @param apiKeys API keys with the send scope, one per organization, used in turn */
    public RestSubmitter(String apiUrl, List<String> apiKeys, int concurrency) {
        this(apiUrl, apiKeys, concurrency, 1);
    }

    /**
     * @param concurrency requests in flight
     * @param batchSize   emails per request: 1 posts each alone, more post batches of up to this many
     */
    public RestSubmitter(String apiUrl, List<String> apiKeys, int concurrency, int batchSize) {
        this(apiUrl, apiKeys, concurrency, batchSize, LINGER);
    }

    /** @param lingerFor how long a batch that is not full waits for more emails */
    RestSubmitter(String apiUrl, List<String> apiKeys, int concurrency, int batchSize, Duration lingerFor) {
        if (batchSize < 1 || batchSize > 500) {
            throw new IllegalArgumentException("a batch holds 1..500 emails, not " + batchSize);
        }
        this.messages = URI.create(apiUrl + "/api/v1/messages");
        this.batches = URI.create(apiUrl + "/api/v1/messages/batch");
        this.apiKeys = new RoundRobin<>(apiKeys);
        this.concurrency = concurrency;
        this.batchSize = batchSize;
        this.lingerFor = lingerFor;
        this.linger = batchSize == 1
                ? null
                : Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "rest-batch-linger");
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public CompletableFuture<UUID> submit(Email email) {
        // The API's JSON is the contract's Email shape (from, to, subject, text, tags, metadata, ...).
        byte[] json = ContractJson.write(email);
        if (batchSize == 1) {
            return submitOne(json);
        }
        CompletableFuture<UUID> result = new CompletableFuture<>();
        List<Pending> full = null;
        boolean first;
        synchronized (this) {
            first = gathering.isEmpty();
            gathering.add(new Pending(json, result));
            if (gathering.size() >= batchSize) {
                full = gathering;
                gathering = new ArrayList<>();
            }
        }
        if (full != null) {
            post(full);
        } else if (first) {
            linger.schedule(this::flushLingering, lingerFor.toNanos(), TimeUnit.NANOSECONDS);
        }
        return result;
    }

    private CompletableFuture<UUID> submitOne(byte[] json) {
        HttpRequest request = HttpRequest.newBuilder(messages)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKeys.next())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            Matcher id = ID.matcher(response.body());
            if (response.statusCode() != 202 || !id.find()) {
                throw new IllegalStateException(new IOException(
                        "POST /api/v1/messages answered " + response.statusCode() + ": " + excerpt(response.body())));
            }
            return UUID.fromString(id.group(1));
        });
    }

    /** Posts what has gathered since the first email of a batch that did not fill up in time. */
    private void flushLingering() {
        List<Pending> due;
        synchronized (this) {
            due = gathering;
            gathering = new ArrayList<>();
        }
        if (!due.isEmpty()) {
            post(due);
        }
    }

    private void post(List<Pending> batch) {
        ByteArrayOutputStream body = new ByteArrayOutputStream(batch.size() * 1200);
        body.writeBytes("{\"messages\":[".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < batch.size(); i++) {
            if (i > 0) {
                body.write(',');
            }
            body.writeBytes(batch.get(i).json());
        }
        body.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(batches)
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + apiKeys.next())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            if (error != null) {
                batch.forEach(p -> p.result().completeExceptionally(error));
                return;
            }
            if (response.statusCode() != 207) {
                IllegalStateException refused =
                        new IllegalStateException(new IOException("POST /api/v1/messages/batch answered "
                                + response.statusCode() + ": " + excerpt(response.body())));
                batch.forEach(p -> p.result().completeExceptionally(refused));
                return;
            }
            try {
                JsonNode results =
                        ContractJson.mapper().readTree(response.body()).path("results");
                for (int i = 0; i < batch.size(); i++) {
                    JsonNode item = results.path(i);
                    if (item.path("status").asInt() == 202) {
                        batch.get(i)
                                .result()
                                .complete(UUID.fromString(item.path("id").asString()));
                    } else {
                        batch.get(i)
                                .result()
                                .completeExceptionally(new IllegalStateException(new IOException(
                                        "item " + i + " of a batch answered " + excerpt(item.toString()))));
                    }
                }
            } catch (RuntimeException unreadable) {
                // No email may wait forever for an answer that will not come.
                batch.forEach(p -> p.result().completeExceptionally(unreadable));
            }
        });
    }

    private static String excerpt(String body) {
        return body.substring(0, Math.min(300, body.length()));
    }

    /** Emails that may be in flight at once: {@code concurrency} requests of up to a batch each. */
    @Override
    public int maxInFlight() {
        return concurrency * batchSize;
    }

    /** Organizations (keys) the submissions are spread over. */
    public int organizations() {
        return apiKeys.size();
    }

    @Override
    public void close() {
        // The JDK 17 HttpClient has no close(); its threads are daemons.
        if (linger != null) {
            flushLingering();
            linger.shutdown();
        }
    }
}
