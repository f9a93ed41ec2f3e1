package dev.mailroom.server.providers;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.client.RestClient;

/**
 * One HTTP client for all provider APIs (connection pooling, HTTP/2 where offered) with bounded
 * timeouts: a provider that hangs costs a retry, not a dispatcher thread forever.
 */
@Configuration(proxyBeanMethods = false)
public class ProviderHttpClients {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    /** A builder per use: each provider sets its own base URL and credentials on it. */
    @Bean
    RestClient.Builder providerRestClient() {
        // HTTP/1.1: the providers' APIs all speak it, and the JDK's h2c upgrade on plain-HTTP base
        // URLs (fakes, proxies) resets streamed request bodies.
        CustomizableThreadFactory threads = new CustomizableThreadFactory("provider-http-");
        threads.setDaemon(true);
        ExecutorService pool = Executors.newCachedThreadPool(threads);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).executor(pool).build();
        // Spring streams each request body from a task on this executor; without one it starts a
        // new thread per request, which cost more than the request itself at a thousand sends a second.
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(http, pool);
        factory.setReadTimeout(READ_TIMEOUT);
        return RestClient.builder().requestFactory(factory);
    }
}
