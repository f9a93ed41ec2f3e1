package dev.mailroom.client;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Violation;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The REST path of {@link MailroomClient}: Mailroom's {@code /api/v1} over the JDK's HTTP client, with the API key
 * as a bearer token. What may succeed later (a connection error, 429, 502, 503, 504) is retried within
 * {@link RetryPolicy} by resilience4j-retry; a submission carries one Idempotency-Key on every attempt, so a retry
 * after an answer that was lost on the way cannot send the email twice. Anything else that is not 2xx is a
 * {@link MailroomApiException}.
 */
final class RestApi {
    private static final Logger log = LoggerFactory.getLogger(RestApi.class);
    private static final Set<Integer> RETRIED = Set.of(429, 502, 503, 504);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(10);
    private static final JsonMapper JSON = ContractJson.mapper();
    private static final TypeReference<Page<MessageSummary>> MESSAGE_PAGE = new TypeReference<>() {};
    private static final TypeReference<Page<Member>> MEMBER_PAGE = new TypeReference<>() {};

    private final HttpClient http;
    private final String baseUrl;
    private final String authorization;
    private final Duration requestTimeout;
    private final Retry retry;
    /** The caller's trace context, sent with each request ({@link TraceParent}); null: none. */
    private volatile java.util.function.Supplier<String> traceParent;

    void setTraceParent(java.util.function.Supplier<String> traceParent) {
        this.traceParent = traceParent;
    }

    RestApi(URI baseUrl, String apiKey, Duration connectTimeout, Duration requestTimeout, RetryPolicy retry) {
        String scheme = baseUrl.getScheme();
        if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException(
                    "baseUrl must be an http(s) URL such as https://mailroom.example.com" + " (got '" + baseUrl + "')");
        }
        String text = baseUrl.toString();
        this.baseUrl = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.authorization = "Bearer " + apiKey;
        this.requestTimeout = requestTimeout;
        this.retry = retry(retry);
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** {@code POST /api/v1/messages}; the id Mailroom gave the email (the same one for a replayed key). */
    UUID submit(Email email, Instant sendAt, String provider, String idempotencyKey) throws IOException {
        byte[] body = JSON.writeValueAsBytes(submission(email, sendAt, provider));
        JsonNode answer = readTree(call("POST", "/api/v1/messages", Map.of(), body, idempotencyKey));
        return UUID.fromString(answer.path("id").asString());
    }

    /** {@code POST /api/v1/messages/batch}: one result per email, in order. */
    BatchResult submitBatch(List<Email> emails, String idempotencyKey) throws IOException {
        ObjectNode batch = JSON.createObjectNode();
        ArrayNode messages = batch.putArray("messages");
        for (Email email : emails) {
            messages.add(submission(email, null, null));
        }
        return read(
                call("POST", "/api/v1/messages/batch", Map.of(), JSON.writeValueAsBytes(batch), idempotencyKey),
                new TypeReference<BatchResult>() {});
    }

    MessageDetails getMessage(UUID id) throws IOException {
        return read(call("GET", "/api/v1/messages/" + id, Map.of(), null, null), new TypeReference<>() {});
    }

    Page<MessageSummary> listMessages(MessageQuery query) throws IOException {
        return read(call("GET", "/api/v1/messages", query.parameters(), null, null), MESSAGE_PAGE);
    }

    Page<Member> listMembers(MemberQuery query) throws IOException {
        return read(call("GET", "/api/v1/members", query.parameters(), null, null), MEMBER_PAGE);
    }

    Member getMember(String memberId) throws IOException {
        return read(call("GET", "/api/v1/members/" + encode(memberId), Map.of(), null, null), new TypeReference<>() {});
    }

    /** The body of a submission: the email's fields at the top level, beside sendAt and provider. */
    private static ObjectNode submission(Email email, Instant sendAt, String provider) {
        if (email == null) {
            throw new IllegalArgumentException("email must not be null");
        }
        ObjectNode node = JSON.valueToTree(email);
        if (sendAt != null) {
            node.put("sendAt", sendAt.toString());
        }
        if (provider != null) {
            node.put("provider", provider);
        }
        return node;
    }

    /** One request, retried within the policy; the 2xx answer's body. */
    private byte[] call(String method, String path, Map<String, String> query, byte[] body, String idempotencyKey)
            throws IOException {
        HttpRequest request = request(method, path, query, body, idempotencyKey);
        AtomicInteger attempts = new AtomicInteger();
        HttpResponse<byte[]> response;
        try {
            response = retry.executeCheckedSupplier(() -> send(request, method, path, attempts.incrementAndGet()));
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            if (Thread.currentThread().isInterrupted()) {
                // resilience4j, interrupted while waiting to retry a failed attempt, rethrows that attempt's error.
                throw interrupted(method, path, e);
            }
            // Connection refused or reset, timeout, on every attempt.
            throw new IOException(method + " " + path + " failed after " + attempts.get() + " attempts: " + e, e);
        } catch (CancellationException e) {
            // resilience4j's answer to an interrupt while waiting to retry a retried status (429, 503, ...).
            throw interrupted(method, path, e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            // send throws nothing else; the Throwable comes from resilience4j's CheckedSupplier signature.
            throw new IllegalStateException(e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response.body();
        }
        // Not retried, or a Retry-After longer than maxRetryAfter, or the attempts are spent: the exception says
        // what came back (and when to come back).
        throw problem(response);
    }

    /** One attempt: Mailroom's answer, whatever its status (the retry decides on it), or the I/O error. */
    private HttpResponse<byte[]> send(HttpRequest request, String method, String path, int attempt) throws IOException {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() >= 300) {
                log.debug("{} {} answered {} (attempt {})", method, path, response.statusCode(), attempt);
            }
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during " + method + " " + path);
        } catch (IOException e) {
            // Connection refused or reset, timeout: the request may or may not have arrived; the same
            // Idempotency-Key makes the retry safe either way.
            log.debug("{} {} failed (attempt {}): {}", method, path, attempt, e.toString());
            throw e;
        }
    }

    private static InterruptedIOException interrupted(String method, String path, Exception cause) {
        InterruptedIOException e =
                new InterruptedIOException("interrupted while waiting to retry " + method + " " + path);
        e.initCause(cause);
        return e;
    }

    /**
     * The policy as a resilience4j {@link Retry}: connection errors and timeouts ({@link IOException}s, but not an
     * interrupt) and the retried statuses are tried again, up to {@code maxAttempts} in all, after the answer's
     * Retry-After when it has one, else after an exponential back-off with jitter. A Retry-After longer than
     * {@code maxRetryAfter} is not retried: the caller learns at once when to come back, rather than being blocked.
     */
    static Retry retry(RetryPolicy policy) {
        // resilience4j refuses intervals under 10 ms; shorter waits are not worth telling apart.
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(
                atLeast(policy.initialBackoff(), MIN_BACKOFF),
                2.0,
                0.5, // between half and one and a half times the exponential wait: clients that failed together
                //      do not all come back together.
                atLeast(policy.maxBackoff(), MIN_BACKOFF));
        RetryConfig config = RetryConfig.<HttpResponse<byte[]>>custom()
                .maxAttempts(policy.maxAttempts())
                .retryExceptions(IOException.class)
                .ignoreExceptions(InterruptedIOException.class)
                .retryOnResult(response -> RETRIED.contains(response.statusCode())
                        && retryAfter(response)
                                .map(wait -> wait.compareTo(policy.maxRetryAfter()) <= 0)
                                .orElse(true))
                .intervalBiFunction((attempt, outcome) -> outcome.isRight()
                        ? retryAfter(outcome.get()).map(Duration::toMillis).orElseGet(() -> backoff.apply(attempt))
                        : backoff.apply(attempt))
                .build();
        return Retry.of("mailroom-rest", config);
    }

    private static Duration atLeast(Duration value, Duration floor) {
        return value.compareTo(floor) < 0 ? floor : value;
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").flatMap(RestApi::retryAfter);
    }

    private HttpRequest request(
            String method, String path, Map<String, String> query, byte[] body, String idempotencyKey) {
        String queryText = query.isEmpty()
                ? ""
                : query.entrySet().stream()
                        .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                        .collect(Collectors.joining("&", "?", ""));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path + queryText))
                .timeout(requestTimeout)
                .header("Authorization", authorization)
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", "mailroom-client-java");
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        String trace = TraceParent.of(traceParent);
        if (trace != null) {
            request.header(TraceParent.HEADER, trace);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        return request.build();
    }

    /** The error answer as a typed exception: its problem+json when it has one, else status and an excerpt. */
    static MailroomApiException problem(HttpResponse<byte[]> response) {
        int status = response.statusCode();
        Duration retryAfter = retryAfter(response).orElse(null);
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        byte[] body = response.body() == null ? new byte[0] : response.body();
        if (contentType.contains("json") && body.length > 0) {
            try {
                JsonNode node = JSON.readTree(body);
                if (node.isObject()) {
                    List<Violation> errors = new ArrayList<>();
                    for (JsonNode error : node.path("errors")) {
                        errors.add(new Violation(text(error, "field"), text(error, "message")));
                    }
                    Map<String, Object> properties = JSON.convertValue(node, new TypeReference<>() {});
                    return new MailroomApiException(
                            status,
                            text(node, "type"),
                            text(node, "title"),
                            text(node, "detail"),
                            errors,
                            new LinkedHashMap<>(properties),
                            retryAfter);
                }
            } catch (JacksonException e) {
                // Not JSON after all: reported as text below.
            }
        }
        String excerpt = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
        return new MailroomApiException(
                status, null, "HTTP " + status, excerpt.isBlank() ? null : excerpt, List.of(), Map.of(), retryAfter);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    /** Retry-After as seconds or as an HTTP date; nothing when it is neither. */
    static Optional<Duration> retryAfter(String value) {
        String v = value.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration wait = Duration.between(Instant.now(), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (java.time.format.DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static <T> T read(byte[] body, TypeReference<T> type) throws IOException {
        try {
            return JSON.readValue(body, type);
        } catch (JacksonException e) {
            throw new IOException("Mailroom's answer could not be read: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode readTree(byte[] body) throws IOException {
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            throw new IOException("Mailroom's answer could not be read: " + e.getOriginalMessage(), e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
