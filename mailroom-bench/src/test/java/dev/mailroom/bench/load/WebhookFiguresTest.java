package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.bench.report.BenchReport;
import dev.mailroom.bench.sink.StandardWebhooks;
import dev.mailroom.bench.sink.WebhookSink;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The report's webhook figures from a real sink fed over loopback HTTP. */
class WebhookFiguresTest {
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(new byte[24]);

    @Test
    void countsEventsAndLagsOfTheMeasuredLoadAndTheSampledSignatures() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (WebhookSink sink = WebhookSink.startCounting(2)) {
            sink.secret("org-1", SECRET);
            // Index 10 is the warm-up's: before the measured load, counted in the total only.
            Instant loadStart = null;
            for (int i = 10; i >= 0; i--) {
                if (i == 9) {
                    sink.measureFrom();
                    loadStart = Instant.now();
                }
                String occurred = Instant.now().minusMillis(200).toString();
                String body = "{\"type\":\"email.delivered\",\"data\":{\"messageId\":\"m" + i
                        + "\",\"recipient\":\"a@example.com\",\"occurredAt\":\"" + occurred + "\"}}";
                long ts = Instant.now().getEpochSecond();
                String id = "msg_" + i;
                String signature = new StandardWebhooks(SECRET).sign(id, ts, body.getBytes(StandardCharsets.UTF_8));
                for (int attempt = 0; attempt < (i == 0 ? 2 : 1); attempt++) {
                    http.send(
                            HttpRequest.newBuilder(URI.create(sink.url("org-1")))
                                    .header("webhook-id", id)
                                    .header("webhook-timestamp", String.valueOf(ts))
                                    .header("webhook-signature", signature)
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding());
                }
            }

            BenchReport.Webhooks figures = WebhookFigures.of(sink, 1, loadStart, Instant.now(), 0.5);

            assertThat(figures.eventsReceived()).isEqualTo(11);
            assertThat(figures.requests()).isEqualTo(12);
            assertThat(figures.duplicates()).isEqualTo(1);
            assertThat(figures.lag().count()).isEqualTo(10);
            assertThat(sink.events()).isEmpty();
            assertThat(figures.lag().p50()).isBetween(150.0, 60_000.0);
            assertThat(figures.signaturesChecked()).isEqualTo(6);
            assertThat(figures.signatureFailures()).isZero();
            assertThat(figures.eventsPerSecond()).isPositive();
        }
    }
}
