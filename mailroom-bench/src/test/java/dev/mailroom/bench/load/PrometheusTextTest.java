package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Mailroom's metrics need a bearer token; the scraper sends the one it was given. */
class PrometheusTextTest {
    static final String TOKEN = "bench-metrics-token-0123456789";
    HttpServer server;
    String baseUrl;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/actuator/prometheus", exchange -> {
            boolean allowed =
                    ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = (allowed ? "jvm_memory_used_bytes{area=\"heap\"} 42\n" : "{\"status\":401}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(allowed ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void theTokenIsSentAsABearerToken() {
        assertThat(PrometheusText.scrape(baseUrl, TOKEN, Duration.ofSeconds(5))).contains("jvm_memory_used_bytes");
    }

    @Test
    void withoutTheTokenThePageIsNotRead() {
        assertThat(PrometheusText.scrape(baseUrl, null, Duration.ofSeconds(5))).isNull();
        assertThat(PrometheusText.scrape(baseUrl, "wrong", Duration.ofSeconds(5)))
                .isNull();
    }
}
