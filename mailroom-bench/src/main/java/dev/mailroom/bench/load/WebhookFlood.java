package dev.mailroom.bench.load;

import dev.mailroom.bench.fake.FakeSendGrid;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The webhook ingest mode: signed SendGrid Event Webhook batches (delivered, open, click in
 * turn, 100 events a call) posted as fast as the sink answers, from several connections. The
 * sink answers 2xx only after the broker confirmed every event, so 2xx events/s is what it can
 * durably take in. Each call is signed afresh with the fake provider's key, as SendGrid signs.
 */
final class WebhookFlood {
    private static final String[] KINDS = {"delivered", "open", "click"};

    record Result(
            long events,
            long calls,
            long failedCalls,
            String lastFailure,
            long startMicros,
            long endMicros,
            long[] callMicros) {
        double seconds() {
            return (endMicros - startMicros) / 1e6;
        }
    }

    private final FakeSendGrid signer;
    private final URI sink;
    private final int batch;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    WebhookFlood(FakeSendGrid signer, String mailroomBaseUrl, int batch) {
        this.signer = signer;
        this.sink = URI.create(mailroomBaseUrl + "/webhooks/sendgrid");
        this.batch = batch;
    }

    /** Posts until {@code maxEvents} were accepted or {@code duration} passed; {@code progress} counts accepted events live. */
    Result run(int concurrency, long maxEvents, Duration duration, LongAdder progress) throws InterruptedException {
        AtomicLong claimed = new AtomicLong();
        LongAdder calls = new LongAdder();
        LongAdder failed = new LongAdder();
        List<String> failures = new CopyOnWriteArrayList<>();
        List<long[]> latencies = new CopyOnWriteArrayList<>();
        long start = Clocks.nowMicros();
        long deadline = System.nanoTime() + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Thread t = new Thread(
                    () -> {
                        long[] mine = new long[(int) Math.min(1_000_000, maxEvents / batch + 1)];
                        int n = 0;
                        while (System.nanoTime() < deadline && claimed.getAndAdd(batch) < maxEvents) {
                            byte[] body = body();
                            String timestamp = Long.toString(System.currentTimeMillis() / 1000);
                            HttpRequest request = HttpRequest.newBuilder(sink)
                                    .timeout(Duration.ofSeconds(30))
                                    .header("Content-Type", "application/json")
                                    .header("X-Twilio-Email-Event-Webhook-Timestamp", timestamp)
                                    .header("X-Twilio-Email-Event-Webhook-Signature", signer.sign(timestamp, body))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build();
                            long t0 = System.nanoTime();
                            calls.increment();
                            try {
                                HttpResponse<String> response =
                                        http.send(request, HttpResponse.BodyHandlers.ofString());
                                if (response.statusCode() / 100 == 2) {
                                    progress.add(batch);
                                    if (n < mine.length) {
                                        mine[n++] = (System.nanoTime() - t0) / 1_000;
                                    }
                                } else {
                                    failed.increment();
                                    failures.add(response.statusCode() + " " + response.body());
                                }
                            } catch (IOException e) {
                                failed.increment();
                                failures.add(e.toString());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                            if (failed.sum() > 100) {
                                // Something is wrong (bad key, sink down): stop rather than hammer it.
                                return;
                            }
                        }
                        latencies.add(java.util.Arrays.copyOf(mine, n));
                    },
                    "webhook-flood-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(duration.toMillis() + 60_000);
        }
        long end = Clocks.nowMicros();
        long[] all = latencies.stream().flatMapToLong(java.util.Arrays::stream).toArray();
        return new Result(
                progress.sum(),
                calls.sum(),
                failed.sum(),
                failures.isEmpty() ? null : failures.get(failures.size() - 1),
                start,
                end,
                all);
    }

    /** One SendGrid batch: events of made-up messages (unknown to Mailroom, kept unmatched), CRLF-terminated as SendGrid sends. */
    private byte[] body() {
        StringBuilder json = new StringBuilder(batch * 330).append('[');
        long timestamp = System.currentTimeMillis() / 1000;
        for (int i = 0; i < batch; i++) {
            String kind = KINDS[i % KINDS.length];
            UUID message = UUID.randomUUID();
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"email\":\"user")
                    .append(i)
                    .append("@bench.example\",\"timestamp\":")
                    .append(timestamp)
                    .append(",\"event\":\"")
                    .append(kind)
                    .append("\",\"sg_event_id\":\"")
                    .append(UUID.randomUUID())
                    .append("\",\"sg_message_id\":\"flood")
                    .append(message.toString(), 0, 13)
                    .append(".filterdrecv-fake-1\"")
                    .append(",\"mailroom_id\":\"")
                    .append(message)
                    .append('"');
            if (kind.equals("delivered")) {
                json.append(",\"response\":\"250 2.0.0 OK (fake)\"");
            } else {
                json.append(",\"useragent\":\"FakeSendGrid/1.0\"");
                if (kind.equals("click")) {
                    json.append(",\"url\":\"https://example.com/welcome\"");
                }
            }
            json.append('}');
        }
        json.append("]\r\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
