package dev.mailroom.client.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.mailroom.client.MailroomApiException;
import dev.mailroom.client.MailroomClient;
import dev.mailroom.client.WebhookVerificationException;
import dev.mailroom.client.WebhookVerifier;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class MailroomClientAutoConfigurationTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String OTHER_SECRET =
            "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MailroomClientAutoConfiguration.class));

    /** A Mailroom that is always unavailable, counting the requests and the Authorization they carry. */
    private HttpServer unavailable;

    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startUnavailableMailroom() throws Exception {
        unavailable = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        unavailable.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"title\":\"Service Unavailable\",\"status\":503}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
            exchange.sendResponseHeaders(503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        unavailable.start();
    }

    @AfterEach
    void stop() {
        unavailable.stop(0);
    }

    private String unavailableUrl() {
        return "http://127.0.0.1:" + unavailable.getAddress().getPort();
    }

    @Test
    void withoutAnApiKeyOrSecretsThereIsNoBean() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(MailroomClient.class);
            assertThat(context).doesNotHaveBean(WebhookVerifier.class);
        });
    }

    @Test
    void anApiKeyAndBaseUrlMakeARestClientThatUsesTheBoundSettings() {
        runner.withPropertyValues(
                        "mailroom.client.base-url=" + unavailableUrl(),
                        "mailroom.client.api-key=mr_key_123",
                        "mailroom.client.retry.max-attempts=2",
                        "mailroom.client.retry.initial-backoff=10ms",
                        "mailroom.client.request-timeout=3s")
                .run(context -> {
                    assertThat(context).hasSingleBean(MailroomClient.class);
                    MailroomClient client = context.getBean(MailroomClient.class);
                    assertThat(client.transport()).isEqualTo(MailroomClient.Transport.REST);

                    assertThatThrownBy(() -> client.getMessage(UUID.randomUUID()))
                            .isInstanceOfSatisfying(
                                    MailroomApiException.class,
                                    e -> assertThat(e.status()).isEqualTo(503));
                    // Two attempts, as configured, each with the configured key.
                    assertThat(authorizations).containsExactly("Bearer mr_key_123", "Bearer mr_key_123");
                });
    }

    @Test
    void theBoundSettingsPrintNoKeyNoBrokerPasswordAndNoSecret() {
        runner.withPropertyValues(
                        "mailroom.client.base-url=http://127.0.0.1:1",
                        "mailroom.client.api-key=mr_secret-key-value",
                        "mailroom.client.amqp.uri=amqp://app:broker-password@127.0.0.1:1/vhost",
                        "mailroom.client.webhook.secrets=" + SECRET)
                .run(context -> {
                    String printed =
                            context.getBean(MailroomClientProperties.class).toString();
                    assertThat(printed)
                            .doesNotContain("mr_secret-key-value", "broker-password", SECRET)
                            .contains("apiKey=(set)", "secrets=(1 set)", "http://127.0.0.1:1");
                });
    }

    @Test
    void bindsEveryPropertyWithItsDefaults() {
        runner.withPropertyValues("mailroom.client.base-url=https://mailroom.example.com", "mailroom.client.api-key=k")
                .run(context -> {
                    MailroomClientProperties p = context.getBean(MailroomClientProperties.class);
                    assertThat(p.baseUrl()).isEqualTo(URI.create("https://mailroom.example.com"));
                    assertThat(p.transport()).isEqualTo(MailroomClient.Transport.REST);
                    assertThat(p.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(p.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(p.retry().maxAttempts()).isEqualTo(4);
                    assertThat(p.retry().initialBackoff()).isEqualTo(Duration.ofMillis(200));
                    assertThat(p.retry().maxBackoff()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(p.retry().maxRetryAfter()).isEqualTo(Duration.ofSeconds(60));
                    assertThat(p.amqp().addresses()).isEmpty();
                    assertThat(p.amqp().bulkAbove()).isEqualTo(50);
                    assertThat(p.amqp().maxScheduleAhead()).isEqualTo(Duration.ofDays(365));
                    assertThat(p.webhook().secrets()).isEmpty();
                    assertThat(p.webhook().tolerance()).isEqualTo(Duration.ofMinutes(5));
                });
    }

    @Test
    void theApplicationsOwnClientWins() {
        runner.withUserConfiguration(OwnClient.class)
                .withPropertyValues(
                        "mailroom.client.base-url=https://mailroom.example.com", "mailroom.client.api-key=k")
                .run(context -> {
                    assertThat(context).hasSingleBean(MailroomClient.class);
                    assertThat(context.getBean(MailroomClient.class)).isSameAs(OwnClient.CLIENT);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClient {
        static final MailroomClient CLIENT = MailroomClient.rest(URI.create("https://own.example.com"), "own");

        @Bean
        MailroomClient myClient() {
            return CLIENT;
        }
    }

    @Test
    void restWithoutABaseUrlStopsTheStartNamingTheProperty() {
        runner.withPropertyValues("mailroom.client.api-key=k")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("mailroom.client.base-url is needed"));
    }

    @Test
    void amqpWithoutABrokerUriStopsTheStartNamingTheProperty() {
        runner.withPropertyValues("mailroom.client.api-key=k", "mailroom.client.transport=amqp")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("mailroom.client.amqp.uri is needed"));
    }

    @Test
    void anUnknownTransportStopsTheStart() {
        runner.withPropertyValues(
                        "mailroom.client.api-key=k",
                        "mailroom.client.base-url=https://mailroom.example.com",
                        "mailroom.client.transport=smtp")
                .run(context -> assertThat(context)
                        .getFailure()
                        .hasStackTraceContaining("Failed to bind properties under 'mailroom.client.transport'"));
    }

    @Test
    void aZeroAttemptRetryStopsTheStart() {
        runner.withPropertyValues(
                        "mailroom.client.api-key=k",
                        "mailroom.client.base-url=https://mailroom.example.com",
                        "mailroom.client.retry.max-attempts=0")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("mailroom.client.retry.max-attempts must be at least 1"));
    }

    @Test
    void amqpTransportConnectsToTheBrokerAtStart() {
        // Nothing listens on port 1: the start fails on the connection, proving the AMQP path was chosen.
        runner.withPropertyValues(
                        "mailroom.client.api-key=k",
                        "mailroom.client.transport=amqp",
                        "mailroom.client.amqp.uri=amqp://guest:guest@127.0.0.1:1/")
                .run(context -> assertThat(context).getFailure().hasMessageContaining("mailroomClient"));
    }

    @Test
    void theBrokersAddressListBindsFromOneCommaSeparatedValue() {
        runner.withPropertyValues(
                        "mailroom.client.base-url=http://127.0.0.1:1",
                        "mailroom.client.api-key=k",
                        "mailroom.client.amqp.addresses=node-1:5672, node-2:5673 ,node-3")
                .run(context -> assertThat(context.getBean(MailroomClientProperties.class)
                                .amqp()
                                .addresses())
                        .containsExactly("node-1:5672", "node-2:5673", "node-3"));
    }

    @Test
    void anUnreadableBrokerAddressStopsTheStartNamingIt() {
        runner.withPropertyValues(
                        "mailroom.client.api-key=k",
                        "mailroom.client.transport=amqp",
                        "mailroom.client.amqp.uri=amqp://guest:guest@127.0.0.1:1/",
                        "mailroom.client.amqp.addresses=127.0.0.1:1,node-2:notaport")
                .run(context -> assertThat(context)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("'node-2:notaport' is not host or host:port"));
    }

    @Test
    void webhookSecretsMakeAVerifierOfEveryOneWithTheBoundTolerance() {
        runner.withPropertyValues(
                        "mailroom.client.webhook.secrets=" + SECRET + "," + OTHER_SECRET,
                        "mailroom.client.webhook.tolerance=1m")
                .run(context -> {
                    assertThat(context).hasSingleBean(WebhookVerifier.class);
                    assertThat(context).doesNotHaveBean(MailroomClient.class);
                    WebhookVerifier verifier = context.getBean(WebhookVerifier.class);
                    byte[] body = "{\"type\":\"email.delivered\"}".getBytes(StandardCharsets.UTF_8);
                    long now = Instant.now().getEpochSecond();

                    String signature = verifier.sign("msg_1", now, body);
                    assertThat(signature.split(" ")).hasSize(2);
                    assertThat(verifier.verify("msg_1", Long.toString(now), signature, body))
                            .isEqualTo("msg_1");
                    long twoMinutesAgo = now - 120;
                    String old = verifier.sign("msg_1", twoMinutesAgo, body);
                    assertThatThrownBy(() -> verifier.verify("msg_1", Long.toString(twoMinutesAgo), old, body))
                            .isInstanceOf(WebhookVerificationException.class)
                            .hasMessageContaining("too old");
                });
    }

    @Test
    void aSecretThatIsNotBase64StopsTheStartNamingWhichOne() {
        runner.withPropertyValues(
                        "mailroom.client.webhook.secrets[0]=" + SECRET, "mailroom.client.webhook.secrets[1]=whsec_%%%")
                .run(context -> assertThat(context).getFailure().rootCause().hasMessageContaining("secrets[1]"));
    }
}
