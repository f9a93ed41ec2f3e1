package dev.mailroom.server.notifier;

import com.sun.net.httpserver.HttpServer;
import dev.mailroom.server.support.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/** A customer's webhook endpoint in a test: a JDK HTTP server on loopback that records every request. */
final class WebhookReceiver implements AutoCloseable {
    /** One request received, and the status it was answered (null: not answered). */
    record Received(
            String id,
            String timestamp,
            String signature,
            String contentType,
            String userAgent,
            byte[] body,
            Instant at,
            Integer answered) {
        JsonNode json() {
            return ApiClient.JSON.readTree(body);
        }

        String type() {
            return json().path("type").asString();
        }

        String messageId() {
            return json().path("data").path("messageId").asString();
        }

        String recipient() {
            return json().path("data").path("recipient").asString();
        }

        String status() {
            return json().path("data").path("status").asString();
        }

        boolean delivered() {
            return answered != null && answered >= 200 && answered < 300;
        }
    }

    /** Decides the answer's status for a request (and may take its time). */
    interface Behaviour extends Function<Received, Integer> {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private volatile Behaviour behaviour = r -> 204;
    private volatile HttpServer server;
    private final int port;

    WebhookReceiver() {
        this(0);
    }

    private WebhookReceiver(int port) {
        this.server = start(port);
        this.port = server.getAddress().getPort();
    }

    private HttpServer start(int onPort) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 50);
            s.createContext("/hook", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                var h = exchange.getRequestHeaders();
                Received request = new Received(
                        h.getFirst("webhook-id"),
                        h.getFirst("webhook-timestamp"),
                        h.getFirst("webhook-signature"),
                        h.getFirst("content-type"),
                        h.getFirst("user-agent"),
                        body,
                        Instant.now(),
                        null);
                int status;
                try {
                    status = behaviour.apply(request);
                } catch (RuntimeException e) {
                    status = 500;
                }
                // Recorded before the answer leaves, so that whoever has seen the answer finds the request here.
                Received answered = new Received(
                        request.id(),
                        request.timestamp(),
                        request.signature(),
                        request.contentType(),
                        request.userAgent(),
                        body,
                        request.at(),
                        status);
                received.add(answered);
                try {
                    exchange.sendResponseHeaders(status, -1);
                    exchange.close();
                } catch (IOException e) {
                    // The notifier gave up waiting: not answered.
                    received.replaceAll(r -> r == answered ? request : r);
                }
            });
            s.setExecutor(threads);
            s.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    void answer(Behaviour behaviour) {
        this.behaviour = behaviour;
    }

    /** Stops listening: connections are refused until {@link #restart}. */
    void stop() {
        server.stop(0);
    }

    /** Listens again on the same port. */
    void restart() {
        server = start(port);
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /** What was received about one message. */
    List<Received> about(String messageId) {
        return received.stream().filter(r -> messageId.equals(r.messageId())).toList();
    }

    static Map<String, String> headersOf(Received r) {
        return Map.of("webhook-id", r.id(), "webhook-timestamp", r.timestamp(), "webhook-signature", r.signature());
    }

    static String text(Received r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
