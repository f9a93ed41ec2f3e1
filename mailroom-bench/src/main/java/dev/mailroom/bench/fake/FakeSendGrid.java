package dev.mailroom.bench.fake;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A fast stand-in for SendGrid, for the benchmark and the fault-injection suite: it answers
 * {@code POST /v3/mail/send} like SendGrid (202 with {@code X-Message-Id}), counts every send per
 * {@code mailroom_id}, and afterwards posts correctly signed Event Webhook batches (ECDSA P-256
 * over timestamp + body, as SendGrid signs) to Mailroom's {@code /webhooks/sendgrid}. Loopback
 * only. Knobs ({@link Options}) make it fail sends (503, 429 with Retry-After) and duplicate or
 * shuffle its webhook events.
 */
public final class FakeSendGrid implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param fail503Rate     share of sends answered 503
     * @param fail429Rate     share of sends answered 429 with {@code Retry-After: retryAfterSeconds}
     * @param openRate        share of recipients that open (after delivered)
     * @param clickRate       share of recipients that click (after open)
     * @param duplicateRate   share of events posted a second time
     * @param shuffle         post each batch in random order (events out of order)
     * @param eventDelay      how long after the send the events become due
     * @param batchSize       events per webhook call (SendGrid batches; at most this many)
     * @param webhookUrl      Mailroom's {@code .../webhooks/sendgrid}
     * @param sendLatency     how long each send takes to be answered, like a real provider's round trip
     *                        (so that a dispatcher killed mid-batch really has sends in flight)
     */
    public record Options(
            double fail503Rate,
            double fail429Rate,
            int retryAfterSeconds,
            double openRate,
            double clickRate,
            double duplicateRate,
            boolean shuffle,
            Duration eventDelay,
            int batchSize,
            String webhookUrl,
            Duration sendLatency) {
        /** Answers at once. */
        public Options(
                double fail503Rate,
                double fail429Rate,
                int retryAfterSeconds,
                double openRate,
                double clickRate,
                double duplicateRate,
                boolean shuffle,
                Duration eventDelay,
                int batchSize,
                String webhookUrl) {
            this(
                    fail503Rate,
                    fail429Rate,
                    retryAfterSeconds,
                    openRate,
                    clickRate,
                    duplicateRate,
                    shuffle,
                    eventDelay,
                    batchSize,
                    webhookUrl,
                    Duration.ZERO);
        }

        public static Options defaults(String webhookUrl) {
            return new Options(0, 0, 1, 1.0, 1.0, 0, false, Duration.ofMillis(50), 100, webhookUrl);
        }

        /** These options with another webhook URL. */
        public Options withWebhookUrl(String url) {
            return new Options(
                    fail503Rate,
                    fail429Rate,
                    retryAfterSeconds,
                    openRate,
                    clickRate,
                    duplicateRate,
                    shuffle,
                    eventDelay,
                    batchSize,
                    url,
                    sendLatency);
        }
    }

    /** Counters, readable while running. */
    public static final class Stats {
        public final LongAdder sendsAccepted = new LongAdder();
        public final LongAdder sendsRefused503 = new LongAdder();
        public final LongAdder sendsRefused429 = new LongAdder();
        public final LongAdder eventsPosted = new LongAdder();
        public final LongAdder webhookCalls = new LongAdder();
        public final LongAdder webhookFailures = new LongAdder();
        /** Accepted sends per mailroom_id: more than one means a duplicate send. */
        public final Map<String, Integer> acceptedPerMessage = new ConcurrentHashMap<>();
        /** When a 429 was answered per mailroom_id, to check that Retry-After was respected. */
        public final Map<String, Long> lastRefusedAtMillis = new ConcurrentHashMap<>();
        /** Sends (accepted or not) of a mailroom_id that came sooner after its last 429 than the Retry-After allowed. */
        public final LongAdder retriedTooEarly = new LongAdder();
        /** Refused sends (503 and 429) per mailroom_id: each should cost the message one more dispatch attempt. */
        public final Map<String, Integer> refusedPerMessage = new ConcurrentHashMap<>();
        /** Event kinds scheduled per mailroom_id ("delivered", "open", "click"), to know each message's expected final status. */
        public final Map<String, Set<String>> eventKindsPerMessage = new ConcurrentHashMap<>();
        /** Events scheduled a second time (the duplicateRate knob). */
        public final LongAdder eventsDuplicated = new LongAdder();
        /** Distinct events scheduled (duplicates not counted): what Mailroom should end up recording. */
        public final LongAdder eventsScheduled = new LongAdder();
        /** Distinct events scheduled per mailroom_id, so a benchmark knows when a message is fully tracked. */
        public final Map<String, Integer> eventsScheduledPerMessage = new ConcurrentHashMap<>();
        /** Sends received (accepted or refused) in each wall-clock second: what a provider's quota counts. */
        public final SendsPerSecond sendsReceivedPerSecond = new SendsPerSecond();

        /**
         * Sends received (accepted or not) per wall-clock second (epoch seconds), counted on arrival:
         * what a provider's own per-second quota sees.
         */
        public final Map<Long, LongAdder> sendsPerSecond = new ConcurrentHashMap<>();

        public long duplicateSends() {
            return acceptedPerMessage.values().stream().mapToLong(n -> n - 1L).sum();
        }
    }

    private record PendingEvent(ObjectNode event, long dueNanos) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((PendingEvent) other).dueNanos);
        }
    }

    private final Options options;
    private final Stats stats = new Stats();
    private final HttpServer server;
    private final ExecutorService requestThreads;
    private final DelayQueue<PendingEvent> pending = new DelayQueue<>();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final KeyPair keys;
    private final List<Thread> posters = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean running = true;
    private volatile long lingerNanos;

    private FakeSendGrid(int port, Options options, int posterThreads, KeyPair keys) throws IOException {
        this.options = options;
        // A send that waits out its latency holds its thread: enough of them for two dispatchers' concurrency.
        this.requestThreads = Executors.newFixedThreadPool(options.sendLatency().isZero() ? 8 : 72);
        this.keys = keys;
        // Small requests are answered ~40 ms late without TCP_NODELAY (JDK default).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        server.createContext("/v3/mail/send", this::onSend);
        server.setExecutor(requestThreads);
        server.start();
        for (int i = 0; i < Math.max(1, posterThreads); i++) {
            Thread poster = new Thread(this::postEvents, "fake-sendgrid-webhooks-" + i);
            poster.setDaemon(true);
            poster.start();
            posters.add(poster);
        }
    }

    public static FakeSendGrid start(int port, Options options) throws IOException {
        return new FakeSendGrid(port, options, 1, generateKeys());
    }

    /**
     * With several webhook calls in flight: one poster waits for each answer (Mailroom answers
     * only after the broker confirmed the events), which caps the events per second it can post.
     */
    public static FakeSendGrid start(int port, Options options, int posterThreads) throws IOException {
        return new FakeSendGrid(port, options, posterThreads, generateKeys());
    }

    /** With a given signing key, e.g. one a Mailroom started earlier is already configured with. */
    public static FakeSendGrid start(int port, Options options, int posterThreads, KeyPair keys) throws IOException {
        return new FakeSendGrid(port, options, posterThreads, keys);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Base URL to configure as {@code mailroom.providers.sendgrid.base-url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** Base64 DER public key to configure as {@code mailroom.providers.sendgrid.webhook-public-key}. */
    public String publicKey() {
        return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /**
     * Makes each poster wait up to {@code linger} after the first due event for more, so calls
     * carry full batches when events come fast, as SendGrid's do (it batches for up to 30 s).
     * Without it, a call carries whatever happens to be due, often a handful of events.
     */
    public FakeSendGrid withBatchLinger(Duration linger) {
        this.lingerNanos = linger.toNanos();
        return this;
    }

    public Stats stats() {
        return stats;
    }

    /** Events accepted for posting but not yet posted. */
    public int pendingEvents() {
        return pending.size();
    }

    private void onSend(HttpExchange exchange) throws IOException {
        stats.sendsReceivedPerSecond.count(System.currentTimeMillis());
        try (exchange;
                InputStream in = exchange.getRequestBody()) {
            JsonNode mail = JSON.readTree(in.readAllBytes());
            JsonNode personalization = mail.path("personalizations").path(0);
            String mailroomId = mail.path("custom_args")
                    .path("mailroom_id")
                    .asString(personalization
                            .path("custom_args")
                            .path("mailroom_id")
                            .asString(""));
            stats.sendsPerSecond
                    .computeIfAbsent(System.currentTimeMillis() / 1000, second -> new LongAdder())
                    .increment();
            Long refusedAt = stats.lastRefusedAtMillis.get(mailroomId);
            if (refusedAt != null && System.currentTimeMillis() - refusedAt < options.retryAfterSeconds() * 1000L) {
                stats.retriedTooEarly.increment();
            }
            if (!options.sendLatency().isZero()) {
                Thread.sleep(options.sendLatency().toMillis());
            }
            double roll = ThreadLocalRandom.current().nextDouble();
            if (roll < options.fail503Rate()) {
                stats.sendsRefused503.increment();
                stats.refusedPerMessage.merge(mailroomId, 1, Integer::sum);
                reply(exchange, 503, "{\"errors\":[{\"message\":\"service unavailable (fake)\"}]}");
                return;
            }
            if (roll < options.fail503Rate() + options.fail429Rate()) {
                stats.sendsRefused429.increment();
                stats.refusedPerMessage.merge(mailroomId, 1, Integer::sum);
                stats.lastRefusedAtMillis.put(mailroomId, System.currentTimeMillis());
                exchange.getResponseHeaders().add("Retry-After", Integer.toString(options.retryAfterSeconds()));
                reply(exchange, 429, "{\"errors\":[{\"field\":null,\"message\":\"too many requests\"}]}");
                return;
            }
            String messageId = "fake" + Long.toString(ids.incrementAndGet(), 36)
                    + UUID.randomUUID().toString().substring(0, 8);
            stats.sendsAccepted.increment();
            stats.acceptedPerMessage.merge(mailroomId, 1, Integer::sum);
            for (String recipient : recipients(personalization)) {
                scheduleEvents(mailroomId, messageId, recipient);
            }
            exchange.getResponseHeaders().add("X-Message-Id", messageId);
            exchange.sendResponseHeaders(202, -1);
        } catch (RuntimeException e) {
            reply(exchange, 400, "{\"errors\":[{\"message\":\"" + e.getClass().getSimpleName() + "\"}]}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> recipients(JsonNode personalization) {
        List<String> all = new ArrayList<>();
        for (String field : List.of("to", "cc", "bcc")) {
            personalization.path(field).forEach(r -> all.add(r.path("email").asString()));
        }
        return all;
    }

    private void scheduleEvents(String mailroomId, String messageId, String recipient) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long due = System.nanoTime() + options.eventDelay().toNanos();
        List<String> kinds = new ArrayList<>(List.of("delivered"));
        if (random.nextDouble() < options.openRate()) {
            kinds.add("open");
            if (random.nextDouble() < options.clickRate()) {
                kinds.add("click");
            }
        }
        stats.eventKindsPerMessage
                .computeIfAbsent(mailroomId, k -> ConcurrentHashMap.newKeySet())
                .addAll(kinds);
        long timestamp = System.currentTimeMillis() / 1000;
        stats.eventsScheduled.add(kinds.size());
        stats.eventsScheduledPerMessage.merge(mailroomId, kinds.size(), Integer::sum);
        for (String kind : kinds) {
            ObjectNode event = JSON.createObjectNode();
            event.put("email", recipient);
            event.put("timestamp", timestamp);
            event.put("event", kind);
            event.put("sg_event_id", UUID.randomUUID().toString());
            event.put("sg_message_id", messageId + ".filterdrecv-fake-1");
            event.put("mailroom_id", mailroomId);
            if (kind.equals("delivered")) {
                event.put("response", "250 2.0.0 OK (fake)");
            } else if (kind.equals("click")) {
                event.put("url", "https://example.com/welcome");
                event.put("useragent", "FakeSendGrid/1.0");
            } else {
                event.put("useragent", "FakeSendGrid/1.0");
            }
            pending.add(new PendingEvent(event, due));
            if (random.nextDouble() < options.duplicateRate()) {
                stats.eventsDuplicated.increment();
                pending.add(
                        new PendingEvent(event.deepCopy(), due + TimeUnit.MILLISECONDS.toNanos(random.nextInt(200))));
            }
        }
    }

    /** Drains due events into signed batches, one webhook call at a time per poster thread, retrying failures like SendGrid. */
    private void postEvents() {
        while (running) {
            try {
                PendingEvent first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<PendingEvent> batch = new ArrayList<>(List.of(first));
                pending.drainTo(batch, options.batchSize() - 1);
                long lingerUntil = System.nanoTime() + lingerNanos;
                while (batch.size() < options.batchSize() && running && System.nanoTime() < lingerUntil) {
                    Thread.sleep(5);
                    pending.drainTo(batch, options.batchSize() - batch.size());
                }
                if (options.shuffle()) {
                    Collections.shuffle(batch);
                }
                ArrayNode body = JSON.createArrayNode();
                batch.forEach(p -> body.add(p.event()));
                if (!post(JSON.writeValueAsBytes(body))) {
                    long retryAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    batch.forEach(p -> pending.add(new PendingEvent(p.event(), retryAt)));
                } else {
                    stats.eventsPosted.add(batch.size());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                stats.webhookFailures.increment();
            }
        }
    }

    private boolean post(byte[] body) {
        String timestamp = Long.toString(System.currentTimeMillis() / 1000);
        // SendGrid's bodies end with CRLF, and the signature covers it.
        byte[] withCrlf = new byte[body.length + 2];
        System.arraycopy(body, 0, withCrlf, 0, body.length);
        withCrlf[body.length] = '\r';
        withCrlf[body.length + 1] = '\n';
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.webhookUrl()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Twilio-Email-Event-Webhook-Timestamp", timestamp)
                .header("X-Twilio-Email-Event-Webhook-Signature", sign(timestamp, withCrlf))
                .POST(HttpRequest.BodyPublishers.ofByteArray(withCrlf))
                .build();
        stats.webhookCalls.increment();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 == 2) {
                return true;
            }
        } catch (IOException e) {
            // Mailroom down or restarting: SendGrid retries, and so do we.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stats.webhookFailures.increment();
        return false;
    }

    /** The base64 ECDSA signature SendGrid would send for this timestamp and exact body. */
    public String sign(String timestamp, byte[] body) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(keys.getPrivate());
            signature.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            signature.update(body);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair generateKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        running = false;
        server.stop(0);
        requestThreads.shutdownNow();
        posters.forEach(Thread::interrupt);
    }
}
