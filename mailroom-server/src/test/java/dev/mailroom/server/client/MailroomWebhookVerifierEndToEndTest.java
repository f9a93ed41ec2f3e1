package dev.mailroom.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.mailroom.client.WebhookVerificationException;
import dev.mailroom.client.WebhookVerifier;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.TestOrganizations;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The client's {@link WebhookVerifier} on webhooks Mailroom really sent: an endpoint made through the API, its
 * {@code webhook.test} events received by a JDK HTTP server on loopback, before and after a secret rotation.
 */
@dev.mailroom.server.support.EndToEndTest
class MailroomWebhookVerifierEndToEndTest {
    record Received(Map<String, List<String>> headers, byte[] body) {
        String id() {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase("webhook-id"))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    @LocalServerPort
    int port;

    private HttpServer receiver;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private ApiClient api;
    private String endpoint;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/hooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        TestOrganizations.Organization org = TestOrganizations.create(port, "client-hooks-", "send", "read", "admin");
        api = new ApiClient(port).as(org.key());
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            api.delete("/api/v1/webhook-endpoints/" + endpoint);
        }
        receiver.stop(0);
    }

    /** Asks Mailroom for a webhook.test event and waits until it arrived. */
    private Received testEvent() {
        ApiClient.Response test = api.post("/api/v1/webhook-endpoints/" + endpoint + "/test", "{}");
        assertThat(test.status()).as(test.body()).isEqualTo(202);
        String eventId = test.json().path("eventId").asString();
        await().atMost(Duration.ofSeconds(20)).until(() -> received.stream().anyMatch(r -> eventId.equals(r.id())));
        return received.stream().filter(r -> eventId.equals(r.id())).findFirst().orElseThrow();
    }

    @Test
    void verifiesMailroomsWebhooksBeforeAndDuringASecretRotationAndRefusesATamperedOne() throws Exception {
        ApiClient.Response created = api.post(
                "/api/v1/webhook-endpoints",
                "{\"url\":\"http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks\","
                        + "\"eventTypes\":[\"email.delivered\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        endpoint = created.json().path("endpoint").path("id").asString();
        String oldSecret = created.json().path("secret").asString();

        Received first = testEvent();
        assertThat(WebhookVerifier.of(List.of(oldSecret)).verify(first.headers(), first.body()))
                .isEqualTo(first.id());
        byte[] tampered = Arrays.copyOf(first.body(), first.body().length + 1);
        tampered[tampered.length - 1] = ' ';
        assertThatThrownBy(() -> WebhookVerifier.of(List.of(oldSecret)).verify(first.headers(), tampered))
                .isInstanceOf(WebhookVerificationException.class);

        ApiClient.Response rotated =
                api.post("/api/v1/webhook-endpoints/" + endpoint + "/secret/rotate", "{\"gracePeriod\":\"PT1H\"}");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        String newSecret = rotated.json().path("current").path("secret").asString();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);

        // Every notifier signs with the new secret within mailroom.accounts.key-recheck of the rotation (it trusts
        // its cached endpoints that long): test events until one is signed with it.
        AtomicReference<Received> signedWithNew = new AtomicReference<>();
        WebhookVerifier onlyNew = WebhookVerifier.of(List.of(newSecret));
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    Received r = testEvent();
                    try {
                        onlyNew.verify(r.headers(), r.body());
                        signedWithNew.set(r);
                        return true;
                    } catch (WebhookVerificationException notYet) {
                        return false;
                    }
                });
        Received during = signedWithNew.get();
        // Signed with both during the grace: a receiver still on the old secret and one configured with both accept
        // it as well as one already on the new secret.
        assertThat(WebhookVerifier.of(List.of(oldSecret)).verify(during.headers(), during.body()))
                .isEqualTo(during.id());
        assertThat(WebhookVerifier.of(List.of(newSecret, oldSecret)).verify(during.headers(), during.body()))
                .isEqualTo(during.id());
        // The event from before the rotation was signed with the old secret only.
        assertThatThrownBy(() -> WebhookVerifier.of(List.of(newSecret)).verify(first.headers(), first.body()))
                .isInstanceOf(WebhookVerificationException.class);
    }
}
