package dev.mailroom.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.MailroomApplication;
import dev.mailroom.server.security.RawHttp.Answer;
import dev.mailroom.server.support.TestDataDir;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A process without the API role (here a webhook sink alone) on a separate management port: the
 * port listens on loopback unless told otherwise, and metrics there are still closed — with no API
 * keys in the process and no metrics token set, the answer says which property opens them.
 */
@SpringBootTest(classes = MailroomApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "mailroom.roles=webhooks",
        // No broker at all: a second embedded broker in this JVM would disturb the shared test
        // context's, and what is tested here needs none (health then says DOWN, which is an answer too).
        "spring.rabbitmq.host=127.0.0.1",
        "spring.rabbitmq.port=1",
        "spring.rabbitmq.connection-timeout=1s",
        "management.server.port=0"
})
class ManagementPortTest {
    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    Environment environment;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        String dir = TestDataDir.create().toString();
        registry.add("mailroom.data-dir", () -> dir);
    }

    @Test
    void aSeparateManagementPortListensOnLoopbackByDefault() {
        assertThat(managementPort).isNotEqualTo(port);
        assertThat(environment.getProperty("management.server.address")).isEqualTo("127.0.0.1");
        Answer health = RawHttp.send(managementPort, "GET", "/actuator/health", null);
        assertThat(health.status()).as(health.toString()).isIn(200, 503);
        assertThat(health.json().has("components")).isFalse();
    }

    @Test
    void metricsOnTheManagementPortStillNeedAToken() {
        Answer anonymous = RawHttp.send(managementPort, "GET", "/actuator/prometheus", null);
        Answer guessed = RawHttp.send(managementPort, "GET", "/actuator/prometheus", "Bearer some-guess-0123456789abcdef");

        assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
        assertThat(anonymous.isProblem()).isTrue();
        assertThat(anonymous.json().path("detail").asString()).isEqualTo(ProblemEntryPoint.METRICS_CLOSED);
        assertThat(guessed.status()).isEqualTo(401);
    }

    @Test
    void probesStayOnTheMainPortAndTheActuatorIsNotThere() {
        // Without a broker the process is alive but not ready: both answer, without a key.
        assertThat(RawHttp.send(port, "GET", "/livez", null).status()).isEqualTo(200);
        assertThat(RawHttp.send(port, "GET", "/readyz", null).status()).isIn(200, 503);
        assertThat(RawHttp.send(port, "GET", "/readyz", null).json().path("status").asString()).isIn("UP", "DOWN");
        assertThat(RawHttp.send(port, "GET", "/actuator/prometheus", null).status()).isEqualTo(401);
    }

    @Test
    void aProcessWithoutTheApiHasNoApiRoutes() {
        Answer answer = RawHttp.send(port, "GET", "/api/v1/messages", "Bearer anything-at-all");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.isProblem()).isTrue();
    }
}
