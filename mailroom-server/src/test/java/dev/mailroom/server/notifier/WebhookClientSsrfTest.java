package dev.mailroom.server.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.NotifierProperties;
import dev.mailroom.server.notifier.WebhookClient.Answer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the notifier's HTTP client refuses to call, against a real endpoint on loopback: it is never reached, and the
 * attempt fails with the reason (what the delivery log shows).
 */
class WebhookClientSsrfTest {
    private final WebhookReceiver endpoint = new WebhookReceiver();

    @AfterEach
    void stop() {
        endpoint.close();
    }

    private record Settings(NotifierProperties properties, DeliveryTargets targets) {}

    private static Settings settings(boolean allowHttp, boolean allowPrivate) {
        return new Settings(settings(), new DeliveryTargets(allowHttp, allowPrivate));
    }

    private static NotifierProperties settings() {
        return new NotifierProperties(
                false,
                false,
                16,
                List.of(Duration.ofSeconds(1)),
                Duration.ofDays(5),
                20,
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                Duration.ofSeconds(1),
                200,
                100,
                1);
    }

    private static Answer post(Settings settings, String url) throws Exception {
        try (WebhookClient client = new WebhookClient(settings.targets(), settings.properties())) {
            return client.post(url, Map.of("webhook-id", "msg_0"), "{}".getBytes(StandardCharsets.UTF_8))
                    .get();
        }
    }

    @Test
    void aLoopbackEndpointIsNeverCalledUnlessPrivateAddressesAreAllowed() throws Exception {
        Answer refused = post(settings(true, false), endpoint.url());

        assertThat(refused.delivered()).isFalse();
        assertThat(refused.status()).isNull();
        assertThat(refused.error()).startsWith("not called").contains("internal address");
        assertThat(endpoint.received()).isEmpty();

        Answer allowed = post(settings(true, true), endpoint.url());
        assertThat(allowed.status()).isEqualTo(204);
        assertThat(endpoint.received()).hasSize(1);
    }

    @Test
    void aNameThatResolvesToLoopbackIsRefusedAtTheConnection() throws Exception {
        // "localhost" is caught by name at registration; a name that merely resolves inwards (this machine's own name,
        // where it resolves to loopback) is caught by the resolver, on the address connected to.
        String name = java.net.InetAddress.getLocalHost().getHostName();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.net.InetAddress.getByName(name).isLoopbackAddress(), "this machine's name resolves to loopback");
        String byName = endpoint.url().replace("127.0.0.1", name);
        DeliveryTargets production = settings(true, false).targets();

        // The resolver the client connects through refuses the name whatever the URL check said of it.
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> production.resolver().resolve(name))
                .isInstanceOf(java.net.UnknownHostException.class)
                .hasMessageContaining("internal address");
        Answer refused = post(settings(true, false), byName);
        assertThat(refused.delivered()).isFalse();
        assertThat(refused.error()).containsAnyOf("internal address", "single-label");
        assertThat(endpoint.received()).isEmpty();
    }

    @Test
    void httpIsRefusedUnlessAllowed() throws Exception {
        Answer refused = post(settings(false, true), endpoint.url());

        assertThat(refused.delivered()).isFalse();
        assertThat(refused.error()).startsWith("not called").contains("https");
        assertThat(endpoint.received()).isEmpty();
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        endpoint.answer(r -> 307);

        Answer answer = post(settings(true, true), endpoint.url());

        assertThat(answer.status()).isEqualTo(307);
        assertThat(answer.delivered()).isFalse();
        assertThat(endpoint.received()).hasSize(1);
    }
}
