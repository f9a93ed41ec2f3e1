package dev.mailroom.server.providers.support;

import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * One HTTP client for all provider APIs, with pooled keep-alive connections and bounded timeouts:
 * a provider that hangs costs a retry, not a dispatcher thread forever.
 *
 * <p>Apache HttpClient's classic (blocking) client, called from the dispatcher's send threads: it
 * costs less CPU per request than the JDK client, whose asynchronous machinery (a task per body,
 * a completion per response) was the largest part of a dispatcher's work per email.
 */
@Configuration(proxyBeanMethods = false)
public class ProviderHttpClients {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /** Connections kept per provider host: more than the dispatcher's sends in flight. */
    private static final int CONNECTIONS_PER_HOST = 128;

    @Bean(destroyMethod = "close")
    CloseableHttpClient providerHttpClient() {
        return newHttpClient();
    }

    /** A builder per use: each provider sets its own base URL and credentials on it. */
    /**
     * Observed: each call to a provider is a CLIENT span, child of the email's send span, and sends a
     * {@code traceparent} (providers ignore it); the call's timing is an {@code http.client.requests} metric too.
     */
    @Bean
    RestClient.Builder providerRestClient(
            CloseableHttpClient providerHttpClient, ObjectProvider<ObservationRegistry> observations) {
        return restClientOn(providerHttpClient)
                .observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    /**
     * A builder on a client of its own, configured as in production: for tests, so that they run
     * the senders over the same HTTP behaviour (no automatic retries, no redirects) as Mailroom.
     */
    public static RestClient.Builder newRestClientBuilder() {
        return restClientOn(newHttpClient());
    }

    private static CloseableHttpClient newHttpClient() {
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(CONNECT_TIMEOUT))
                        .setSocketTimeout(Timeout.of(READ_TIMEOUT))
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .setMaxConnPerRoute(CONNECTIONS_PER_HOST)
                .setMaxConnTotal(CONNECTIONS_PER_HOST * 4)
                .build();
        // No redirects (an API that redirects a send is misconfigured), and no automatic retries:
        // whether to send again is the operator's decision, made with back-off and counted. No
        // cookies either: provider APIs authenticate each request by its headers.
        return HttpClients.custom()
                .setConnectionManager(connections)
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
    }

    private static RestClient.Builder restClientOn(CloseableHttpClient providerHttpClient) {
        HttpComponentsClientHttpRequestFactory factory = new HttpComponentsClientHttpRequestFactory(providerHttpClient);
        factory.setConnectionRequestTimeout(CONNECT_TIMEOUT);
        factory.setReadTimeout(READ_TIMEOUT);
        return RestClient.builder().requestFactory(factory);
    }
}
