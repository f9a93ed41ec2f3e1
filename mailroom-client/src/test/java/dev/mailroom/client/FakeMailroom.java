package dev.mailroom.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A JDK HTTP server on loopback that answers from a script, in Mailroom's formats, and records every request: the
 * REST client's retries and headers are seen as Mailroom would see them, over a real socket.
 */
final class FakeMailroom implements AutoCloseable {
    /** A request as it arrived. */
    record Request(String method, String pathAndQuery, Map<String, List<String>> headers, String body, long atNanos) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** One scripted answer; {@code status} 0 drops the connection without answering. */
    record Answer(int status, String contentType, String body, Map<String, String> headers) {}

    static Answer json(int status, String body, String... headers) {
        return new Answer(status, "application/json", body, pairs(headers));
    }

    static Answer problem(int status, String body, String... headers) {
        return new Answer(status, "application/problem+json", body, pairs(headers));
    }

    /** The connection is closed before any answer: the client cannot know whether the request took effect. */
    static Answer dropConnection() {
        return new Answer(0, null, null, Map.of());
    }

    private static Map<String, String> pairs(String... headers) {
        Map<String, String> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], headers[i + 1]);
        }
        return map;
    }

    private final HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeMailroom() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers the next requests with these, in order; the last one is repeated. */
    synchronized FakeMailroom answer(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        requests.add(new Request(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null
                                ? ""
                                : "?" + exchange.getRequestURI().getRawQuery()),
                Map.copyOf(exchange.getRequestHeaders()),
                body,
                System.nanoTime()));
        Answer answer;
        synchronized (this) {
            answer = script.size() > 1 ? script.poll() : script.peek();
        }
        if (answer == null || answer.status() == 0) {
            // Closing without a response: the client sees the connection end mid-request.
            exchange.close();
            return;
        }
        byte[] bytes = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        if (answer.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        }
        answer.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
