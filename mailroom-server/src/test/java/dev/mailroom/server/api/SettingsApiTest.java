package dev.mailroom.server.api;

import static dev.mailroom.server.support.Timelines.awaitActivity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The default provider changes while Mailroom runs, and the dispatchers follow without a restart. */
@EndToEndTest
class SettingsApiTest {
    @LocalServerPort
    int port;

    @AfterEach
    void backToTheSandbox() {
        ApiClient api = new ApiClient(port);
        api.put("/api/v1/settings/default-provider", "{\"provider\":\"sandbox\"}");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "sandbox"
                        .equals(api.get("/api/v1/settings")
                                .json()
                                .get("defaultProvider")
                                .asString()));
        // The dispatchers follow the broadcast right after the operator stored it.
        await().atMost(Duration.ofSeconds(15))
                .until(() -> "sandbox"
                        .equals(awaitActivity(api, api.submit(ApiClient.email("probe@example.org")), "DISPATCHED")
                                .get("provider")
                                .asString()));
    }

    @Test
    void changingTheDefaultProviderRoutesNewMessagesThereWithinSeconds() {
        ApiClient api = new ApiClient(port);

        ApiClient.Response response = api.put("/api/v1/settings/default-provider", "{\"provider\":\"smtp\"}");

        assertThat(response.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "smtp"
                        .equals(api.get("/api/v1/settings")
                                .json()
                                .get("defaultProvider")
                                .asString()));
        await().atMost(Duration.ofSeconds(15))
                .until(() -> "smtp"
                        .equals(awaitActivity(api, api.submit(ApiClient.email("switch@example.org")), "DISPATCHED")
                                .get("provider")
                                .asString()));
    }

    @Test
    void anUnknownProviderIsRefusedAndChangesNothing() {
        ApiClient api = new ApiClient(port);

        ApiClient.Response response = api.put("/api/v1/settings/default-provider", "{\"provider\":\"carrier-pigeon\"}");

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("errors").get(0).get("field").asString()).isEqualTo("provider");
        assertThat(api.get("/api/v1/settings").json().get("defaultProvider").asString())
                .isNotEqualTo("carrier-pigeon");
    }
}
