package dev.mailroom.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The failover order is a run-time setting of the platform operator; a wrong one is refused and changes nothing. */
@EndToEndTest
class FailoverSettingApiTest {
    private static final String ROUTE = "/api/v1/settings/failover";

    @LocalServerPort
    int port;

    @AfterEach
    void noFailover() {
        ApiClient api = new ApiClient(port);
        assertThat(api.put(ROUTE, "{\"providers\":[]}").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> failover(api).isEmpty());
    }

    @Test
    void theStoredOrderIsShownInTheSettingsInItsOrder() {
        ApiClient api = new ApiClient(port);

        ApiClient.Response response = api.put(ROUTE, "{\"providers\":[\"smtp\",\"sandbox\"]}");

        assertThat(response.status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> failover(api), List.of("smtp", "sandbox")::equals);
    }

    @Test
    void anUnknownProviderIsRefusedNamingItsPlaceAndChangesNothing() {
        ApiClient api = new ApiClient(port);
        List<String> before = failover(api);

        ApiClient.Response response = api.put(ROUTE, "{\"providers\":[\"smtp\",\"carrier-pigeon\"]}");

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("errors")).hasSize(1);
        assertThat(field(response, 0)).isEqualTo("providers[1]");
        assertThat(response.json().get("errors").get(0).get("message").asString())
                .contains("carrier-pigeon");
        assertThat(failover(api)).isEqualTo(before);
    }

    @Test
    void aProviderListedTwiceIsRefused() {
        ApiClient api = new ApiClient(port);
        List<String> before = failover(api);

        ApiClient.Response response = api.put(ROUTE, "{\"providers\":[\"smtp\",\"sandbox\",\"smtp\"]}");

        assertThat(response.status()).isEqualTo(422);
        assertThat(field(response, 0)).isEqualTo("providers[2]");
        assertThat(failover(api)).isEqualTo(before);
    }

    @Test
    void aMissingListOrAMissingNameIsRefused() {
        ApiClient api = new ApiClient(port);

        ApiClient.Response noList = api.put(ROUTE, "{}");
        ApiClient.Response noName = api.put(ROUTE, "{\"providers\":[null]}");

        assertThat(noList.status()).isEqualTo(422);
        assertThat(field(noList, 0)).isEqualTo("providers");
        assertThat(noName.status()).isEqualTo(422);
        assertThat(field(noName, 0)).isEqualTo("providers[0]");
    }

    @Test
    void anOrganizationsKeyCannotChangeIt() {
        ApiClient api = new ApiClient(port);
        List<String> before = failover(api);

        ApiClient.Response response = api.as(ApiClient.TEST_KEY).put(ROUTE, "{\"providers\":[\"smtp\"]}");

        assertThat(response.status()).isEqualTo(403);
        assertThat(failover(api)).isEqualTo(before);
    }

    private static List<String> failover(ApiClient api) {
        return api.get("/api/v1/settings")
                .json()
                .get("failover")
                .valueStream()
                .map(JsonNode::asString)
                .toList();
    }

    private static String field(ApiClient.Response response, int i) {
        return response.json().get("errors").get(i).get("field").asString();
    }
}
