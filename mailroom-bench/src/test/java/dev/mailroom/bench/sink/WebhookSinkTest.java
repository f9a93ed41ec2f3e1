package dev.mailroom.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sink over real HTTP on loopback, fed requests signed as the spec says. */
class WebhookSinkTest {
    private static final String SECRET =
            "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123".getBytes());
    private final HttpClient http = HttpClient.newHttpClient();
    private WebhookSink sink;

    @BeforeEach
    void start() throws IOException {
        sink = WebhookSink.start(1);
        sink.secret(SECRET);
    }

    @AfterEach
    void stop() {
        sink.close();
    }

    private int post(String id, String body, String secret) throws Exception {
        long now = Instant.now().getEpochSecond();
        String signature = new StandardWebhooks(secret).sign(id, now, body.getBytes(StandardCharsets.UTF_8));
        return http.send(
                        HttpRequest.newBuilder(URI.create(sink.url()))
                                .header("webhook-id", id)
                                .header("webhook-timestamp", String.valueOf(now))
                                .header("webhook-signature", signature)
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String event(String messageId, String occurredAt) {
        return "{\"type\":\"email.delivered\",\"timestamp\":\"" + occurredAt + "\",\"data\":{\"messageId\":\""
                + messageId + "\",\"recipient\":\"a@example.com\",\"status\":\"DELIVERED\",\"occurredAt\":\""
                + occurredAt + "\"}}";
    }

    @Test
    void recordsEachWebhookIdOnceCountsRetriesAndChecksSignatures() throws Exception {
        String occurred = Instant.now().minusMillis(1500).toString();

        assertThat(post("msg_1", event("m1", occurred), SECRET)).isEqualTo(204);
        assertThat(post("msg_1", event("m1", occurred), SECRET)).isEqualTo(204);
        assertThat(post("msg_2", event("m2", occurred), SECRET)).isEqualTo(204);
        assertThat(post(
                        "msg_3",
                        event("m3", occurred),
                        "whsec_" + Base64.getEncoder().encodeToString(new byte[20])))
                .isEqualTo(204);

        WebhookSink.Stats stats = sink.stats();
        assertThat(stats.events()).isEqualTo(3);
        assertThat(stats.duplicates()).isEqualTo(1);
        assertThat(stats.idReusedForOtherEvent()).isZero();
        assertThat(stats.verified()).isEqualTo(4);
        assertThat(stats.invalidSignatures()).isEqualTo(1);
        assertThat(sink.received("msg_2")).isTrue();
        assertThat(sink.events().get("msg_2").messageId()).isEqualTo("m2");
        assertThat(java.util.Arrays.stream(sink.lagMillis()).boxed().toList())
                .hasSize(3)
                .allSatisfy(lag -> assertThat(lag).isBetween(1000L, 60_000L));
    }

    @Test
    void tellsAWebhookIdReusedForAnotherEvent() throws Exception {
        String occurred = Instant.now().toString();
        post("msg_1", event("m1", occurred), SECRET);
        post("msg_1", event("m2", occurred), SECRET);

        assertThat(sink.stats().idReusedForOtherEvent()).isEqualTo(1);
    }

    @Test
    void answers503WhileUnavailableAndRefusesConnectionsWhileNotListening() throws Exception {
        sink.unavailable(true);
        assertThat(post("msg_1", event("m1", Instant.now().toString()), SECRET)).isEqualTo(503);
        sink.unavailable(false);

        sink.stopListening();
        assertThatThrownBy(() -> post("msg_2", event("m2", Instant.now().toString()), SECRET))
                .isInstanceOf(IOException.class);
        sink.listenAgain(Duration.ofSeconds(10));
        assertThat(post("msg_3", event("m3", Instant.now().toString()), SECRET)).isEqualTo(204);

        assertThat(sink.stats().refused503()).isEqualTo(1);
        assertThat(sink.events()).containsOnlyKeys("msg_3");
    }
}
