package dev.mailroom.bench.sink;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.mailroom.bench.fake.SendsPerSecond;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A customer's webhook endpoint in the bench JVM, on 127.0.0.1: answers 204 at once, and records each request's
 * {@code webhook-id}, its event (type, message, recipient, status, occurredAt), whether its Standard Webhooks
 * signature verifies with the endpoint's secret, and the delivery lag (occurredAt to arrival). For the fault suite it
 * can answer 503 for a while, or stop listening (connections refused) and listen again on the same port.
 */
public final class WebhookSink implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The first arrival of one {@code webhook-id}. */
    public record Event(
            String webhookId,
            String type,
            String messageId,
            String recipient,
            String status,
            Instant occurredAt,
            Instant receivedAt) {}

    private final int port;
    private final int verifyEvery;
    private final boolean keepEvents;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    /** By request path: each endpoint registered on the sink has a path and a secret of its own. */
    private final Map<String, StandardWebhooks> verifiers = new ConcurrentHashMap<>();

    private volatile HttpServer server;
    private volatile boolean unavailable;

    /** Every event's first arrival, when the sink keeps them (the fault suite); empty otherwise. */
    private final Map<String, Event> firstArrivals = new ConcurrentHashMap<>();
    /**
     * The event each webhook-id was first received for, to tell a retry from one id reused for another event; without
     * kept events, only the ids (a long benchmark must not hold every event).
     */
    private final Map<String, String> eventKeys = new ConcurrentHashMap<>();

    private final LongAdder events = new LongAdder();
    /** First arrivals since {@link #measureFrom()}. */
    private final LongAdder measuredEvents = new LongAdder();

    private final AtomicLong lastArrivalMillis = new AtomicLong();

    private final LongAdder requests = new LongAdder();
    private final LongAdder refused503 = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder idReusedForOtherEvent = new LongAdder();
    private final LongAdder verified = new LongAdder();
    private final Map<StandardWebhooks.Verdict, LongAdder> verdicts = new EnumMap<>(StandardWebhooks.Verdict.class);
    private final LongAdder unreadable = new LongAdder();
    private final SendsPerSecond perSecond = new SendsPerSecond();
    private final Object lagLock = new Object();
    private long[] lagMillis = new long[1024];
    private int lags;
    private final AtomicLong requestCounter = new AtomicLong();

    private WebhookSink(int port, int verifyEvery, boolean keepEvents) throws IOException {
        this.verifyEvery = Math.max(1, verifyEvery);
        this.keepEvents = keepEvents;
        for (StandardWebhooks.Verdict v : StandardWebhooks.Verdict.values()) {
            verdicts.put(v, new LongAdder());
        }
        this.server = listen(port);
        this.port = server.getAddress().getPort();
    }

    /**
     * Starts listening on a free loopback port. {@code verifyEvery}: check the signature of one request in this many
     * (1: every request). Set the secret with {@link #secret} once the endpoint is registered; until then nothing is
     * verified.
     */
    public static WebhookSink start(int verifyEvery) throws IOException {
        return new WebhookSink(0, verifyEvery, true);
    }

    /**
     * As {@link #start(int)}, keeping only the ids, counts and lags rather than every event ({@link #events()} stays
     * empty): for a benchmark of any length.
     */
    public static WebhookSink startCounting(int verifyEvery) throws IOException {
        return new WebhookSink(0, verifyEvery, false);
    }

    /** From now on, {@link #measuredEvents()} and {@link #lagMillis()} count only what arrives from here. */
    public void measureFrom() {
        synchronized (lagLock) {
            lags = 0;
            measuredEvents.reset();
        }
    }

    /** The endpoint's {@code whsec_} secret, which the signatures of requests to {@link #url()} are checked with. */
    public void secret(String whsec) {
        verifiers.put("/hooks", new StandardWebhooks(whsec));
    }

    /** The secret of the endpoint registered on {@link #url(String) url(name)}. */
    public void secret(String name, String whsec) {
        verifiers.put("/hooks/" + name, new StandardWebhooks(whsec));
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/hooks";
    }

    /** Another endpoint on the same sink (another organization's, with its own secret). */
    public String url(String name) {
        return url() + "/" + name;
    }

    /** While set, every request is answered 503 (and counted as refused, not recorded). */
    public void unavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    /** Stops listening: connections are refused until {@link #listenAgain}. */
    public synchronized void stopListening() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again on the same port (retrying a bound port for up to {@code timeout}). */
    public synchronized void listenAgain(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (server == null) {
            try {
                server = listen(port);
            } catch (BindException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private HttpServer listen(int onPort) throws IOException {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 512);
        s.createContext("/", this::onRequest);
        s.setExecutor(threads);
        s.start();
        return s;
    }

    private void onRequest(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Instant now = Instant.now();
            requests.increment();
            if (unavailable) {
                refused503.increment();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            record(exchange, body, now);
            exchange.sendResponseHeaders(204, -1);
        }
    }

    private void record(HttpExchange exchange, byte[] body, Instant now) {
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        StandardWebhooks v = verifiers.get(exchange.getRequestURI().getPath());
        if (v != null && requestCounter.incrementAndGet() % verifyEvery == 0) {
            verified.increment();
            verdicts.get(v.verify(
                            id,
                            exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                            exchange.getRequestHeaders().getFirst("webhook-signature"),
                            body,
                            now))
                    .increment();
        }
        Event event;
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode data = root.path("data");
            String occurred = text(data, "occurredAt");
            event = new Event(
                    id,
                    text(root, "type"),
                    text(data, "messageId"),
                    text(data, "recipient"),
                    text(data, "status"),
                    occurred == null ? null : Instant.parse(occurred),
                    now);
        } catch (RuntimeException e) {
            unreadable.increment();
            return;
        }
        if (id == null) {
            return;
        }
        String key = keepEvents
                ? event.type() + "|" + event.messageId() + "|" + event.recipient() + "|" + event.occurredAt()
                : "";
        String earlier = eventKeys.putIfAbsent(id, key);
        if (earlier != null) {
            duplicates.increment();
            if (!earlier.equals(key)) {
                idReusedForOtherEvent.increment();
            }
            return;
        }
        if (keepEvents) {
            firstArrivals.put(id, event);
        }
        events.increment();
        perSecond.count(now.toEpochMilli());
        lastArrivalMillis.accumulateAndGet(now.toEpochMilli(), Math::max);
        synchronized (lagLock) {
            measuredEvents.increment();
            if (event.occurredAt() != null) {
                if (lags == lagMillis.length) {
                    lagMillis = Arrays.copyOf(lagMillis, lags * 2);
                }
                lagMillis[lags++] = Duration.between(event.occurredAt(), now).toMillis();
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    /** What arrived so far. */
    public record Stats(
            long requests,
            long refused503,
            long events,
            long duplicates,
            long idReusedForOtherEvent,
            long verified,
            Map<StandardWebhooks.Verdict, Long> verdicts,
            long unreadable) {
        public long invalidSignatures() {
            return verdicts.entrySet().stream()
                    .filter(e -> e.getKey() != StandardWebhooks.Verdict.VALID)
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }
    }

    public Stats stats() {
        Map<StandardWebhooks.Verdict, Long> counts = new EnumMap<>(StandardWebhooks.Verdict.class);
        verdicts.forEach((k, n) -> counts.put(k, n.sum()));
        return new Stats(
                requests.sum(),
                refused503.sum(),
                events.sum(),
                duplicates.sum(),
                idReusedForOtherEvent.sum(),
                verified.sum(),
                counts,
                unreadable.sum());
    }

    /** Distinct webhook-ids received since {@link #measureFrom()} (since the start without it). */
    public long measuredEvents() {
        return measuredEvents.sum();
    }

    /** When the last first arrival came, or null before any. */
    public Instant lastArrival() {
        long millis = lastArrivalMillis.get();
        return millis == 0 ? null : Instant.ofEpochMilli(millis);
    }

    /** The distinct {@code webhook-id}s received, with their first arrival (empty for a counting sink). */
    public Map<String, Event> events() {
        return Map.copyOf(firstArrivals);
    }

    public boolean received(String webhookId) {
        return eventKeys.containsKey(webhookId);
    }

    /** First arrivals per wall-clock second (epoch seconds). */
    public SendsPerSecond perSecond() {
        return perSecond;
    }

    /** The delivery lags (occurredAt to first arrival) since {@link #measureFrom()}, in milliseconds, unsorted. */
    public long[] lagMillis() {
        synchronized (lagLock) {
            return Arrays.copyOf(lagMillis, lags);
        }
    }

    @Override
    public synchronized void close() {
        stopListening();
        threads.shutdownNow();
    }
}
