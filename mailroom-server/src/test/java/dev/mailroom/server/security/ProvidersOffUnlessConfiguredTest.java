package dev.mailroom.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.MailroomApplication;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.TestDataDir;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A deployment that did not enable the sandbox has none of it: no webhook receiver to forge
 * events into, no way to route real mail to a provider that only pretends to send it. Only the
 * api and webhooks roles run here: this context must not consume the queues the end-to-end
 * suite shares on RabbitMQ.
 */
@SpringBootTest(
        classes = MailroomApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "mailroom.roles=api,webhooks",
            "mailroom.embedded.amqp-port=0",
            "mailroom.api.bootstrap-key=" + ApiClient.TEST_KEY,
            "mailroom.api.platform-key=" + ApiClient.TEST_PLATFORM_KEY,
            "mailroom.providers.sandbox.enabled=false",
            "mailroom.providers.smtp.host=127.0.0.1"
        })
@DirtiesContext
class ProvidersOffUnlessConfiguredTest {
    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("mailroom.data-dir", () -> TestDataDir.create().toString());
    }

    @Test
    void theSandboxWebhookDoesNotExistWhenTheSandboxIsOff() {
        ApiClient.Response response = new ApiClient(port)
                .postRaw(
                        "/webhooks/sandbox",
                        "{\"events\":[{\"id\":\"e1\",\"event\":\"bounced\",\"mailroomId\":\"00000000-0000-0000-0000-000000000001\"}]}"
                                .getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/json",
                        "X-Mailroom-Signature",
                        "t=1,v1=00");

        assertThat(response.status()).isEqualTo(404);
    }

    @Test
    void anEmailNamingAProviderThatIsNotEnabledIsRefusedNamingTheField() {
        ApiClient api = new ApiClient(port);

        ApiClient.Response response =
                api.post("/api/v1/messages", ApiClient.email("ada@example.org", "{\"provider\":\"sandbox\"}"));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("provider");
        assertThat(response.json().get("errors").get(0).get("message").asString())
                .contains("not enabled")
                .contains("[smtp]");
    }

    @Test
    void theDefaultProviderCannotBeSwitchedToOneThatIsNotEnabled() {
        ApiClient api = new ApiClient(port);

        ApiClient.Response response = api.put("/api/v1/settings/default-provider", "{\"provider\":\"sendgrid\"}");

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("provider");
    }

    @Test
    void theFailoverOrderCannotNameAProviderThatIsNotEnabled() {
        ApiClient api = new ApiClient(port);

        ApiClient.Response response = api.put("/api/v1/settings/failover", "{\"providers\":[\"smtp\",\"sandbox\"]}");

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("errors")).hasSize(1);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("providers[1]");
        assertThat(response.json().get("errors").get(0).get("message").asString())
                .contains("not enabled");
    }
}
