package dev.mailroom.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.api.NonAdminTestKey;
import dev.mailroom.server.security.RawHttp.Answer;
import dev.mailroom.server.support.EndToEndTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The operations endpoints on the main port: probes and info are public (status only), health
 * details and metrics need the admin API key or the metrics token. (The shared end-to-end
 * Mailroom has a metrics token and a second, non-admin, key.)
 */
@EndToEndTest
class OperationsEndpointsTest {
    static final String METRICS = "Bearer " + RouteAuthorizationTest.METRICS_TOKEN;

    @LocalServerPort
    int port;

    @Test
    void healthProbesArePublicAndShowTheStatusOnly() {
        for (String path : List.of(
                "/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness", "/livez", "/readyz")) {
            Answer answer = RawHttp.send(port, "GET", path, null);

            // The overall status may be DOWN in a test run (a provider's fake not started yet): 503 is an answer too.
            assertThat(answer.status()).as(path + " → " + answer).isIn(200, 503);
            assertThat(answer.json().path("status").asString()).as(path).isIn("UP", "DOWN");
            assertThat(answer.json().has("components"))
                    .as(path + " → " + answer)
                    .isFalse();
            assertThat(answer.json().has("details")).as(path + " → " + answer).isFalse();
        }
    }

    @Test
    void readinessAndLivenessAnswerWithoutAKey() {
        // Readiness follows the broker's and the database's health, which may lag on a busy machine: wait for it.
        for (String path : List.of("/actuator/health/liveness", "/actuator/health/readiness", "/livez", "/readyz")) {
            await().atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(
                                    RawHttp.send(port, "GET", path, null).status())
                            .as(path)
                            .isEqualTo(200));
        }
    }

    @Test
    void aComponentOfHealthShowsNoDetailsToAnAnonymousCaller() {
        Answer answer = RawHttp.send(port, "GET", "/actuator/health/db", null);

        assertThat(answer.body()).as(answer.toString()).doesNotContain("\"details\"", "H2", "jdbc", "database\"");
    }

    @Test
    void healthDetailsNeedAPlatformKeyOrTheMetricsToken() {
        Answer anonymous = RawHttp.send(port, "GET", "/actuator/health", "Bearer not-the-key");
        Answer reader = RawHttp.send(port, "GET", "/actuator/health", "Bearer " + NonAdminTestKey.KEY);
        Answer admin = RawHttp.send(port, "GET", "/actuator/health", RouteAuthorizationTest.PLATFORM);
        Answer metrics = RawHttp.send(port, "GET", "/actuator/health", METRICS);

        assertThat(anonymous.json().has("components")).isFalse();
        assertThat(reader.json().has("components")).isFalse();
        assertThat(admin.json().path("components").has("db"))
                .as(admin.toString())
                .isTrue();
        // One pool per process, or the main pool and the accounts' own (then each under db.components).
        assertThat(admin.json().path("components").path("db").has("details")
                        || admin.json()
                                .path("components")
                                .path("db")
                                .path("components")
                                .path("dataSource")
                                .has("details"))
                .as(admin.toString())
                .isTrue();
        assertThat(metrics.json().path("components").has("rabbit"))
                .as(metrics.toString())
                .isTrue();
        System.out.println("health as the admin sees it: " + admin.body());
    }

    @Test
    void infoIsPublicAndShowsTheVersion() {
        Answer answer = RawHttp.send(port, "GET", "/actuator/info", null);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().path("build").path("version").asString())
                .as(answer.toString())
                .isNotBlank();
        assertThat(answer.json().path("build").path("artifact").asString()).isEqualTo("mailroom-server");
    }

    @Test
    void metricsNeedAPlatformKeyOrTheMetricsToken() {
        Answer anonymous = RawHttp.send(port, "GET", "/actuator/prometheus", null);
        Answer wrong = RawHttp.send(port, "GET", "/actuator/prometheus", "Bearer not-the-token");
        Answer reader = RawHttp.send(port, "GET", "/actuator/prometheus", "Bearer " + NonAdminTestKey.KEY);
        Answer admin = RawHttp.send(port, "GET", "/actuator/prometheus", RouteAuthorizationTest.PLATFORM);
        Answer metrics = RawHttp.send(port, "GET", "/actuator/prometheus", METRICS);

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.isProblem()).isTrue();
        assertThat(anonymous.header("www-authenticate")).isEqualTo("Bearer");
        assertThat(anonymous.json().path("detail").asString())
                .contains("mailroom.management.metrics-token", "platform key");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().path("detail").asString()).startsWith("the token is not valid");
        assertThat(reader.status()).isEqualTo(403);
        assertThat(reader.json().path("detail").asString())
                .contains("metrics need a platform key or the metrics token");
        assertThat(admin.status()).isEqualTo(200);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("jvm_memory_used_bytes");
    }

    @Test
    void theMetricsTokenOpensNothingElse() {
        for (String path :
                List.of("/api/v1/messages", "/api/v1/settings", "/api/v1/dead-letters", "/actuator", "/error")) {
            Answer answer = RawHttp.send(port, "GET", path, METRICS);

            assertThat(answer.status()).as(path + " → " + answer).isEqualTo(403);
            assertThat(answer.json().path("detail").asString())
                    .as(path)
                    .isIn(ProblemAccessDeniedHandler.NOT_AN_API_KEY, HttpSecurityConfiguration.NEEDS_PLATFORM);
        }
    }

    @Test
    void endpointsThatAreNotNamedPublicNeedAKey() {
        for (String path : List.of(
                "/actuator",
                "/actuator/env",
                "/actuator/beans",
                "/actuator/heapdump",
                "/actuator/metrics",
                "/favicon.ico",
                "/nothing-here",
                "/h2-console")) {
            Answer answer = RawHttp.send(port, "GET", path, null);

            assertThat(answer.status()).as(path + " → " + answer).isEqualTo(401);
        }
    }
}
