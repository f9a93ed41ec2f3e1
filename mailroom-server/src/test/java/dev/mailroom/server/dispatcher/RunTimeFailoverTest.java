package dev.mailroom.server.dispatcher;

import static dev.mailroom.server.support.Timelines.awaitActivity;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A failover order set through the API reaches the dispatchers within seconds, and is the one they
 * use while the default provider's circuit breaker is open (no restart, no configuration change).
 */
@EndToEndTest
class RunTimeFailoverTest {
    @LocalServerPort
    int port;

    @Autowired
    FailoverOrder failoverOrder;

    @Autowired
    ProviderRouter router;

    private String openedBreaker;

    @AfterEach
    void noFailoverAndEveryBreakerClosed() {
        if (openedBreaker != null) {
            router.breaker(openedBreaker).transitionToClosedState();
        }
        ApiClient api = new ApiClient(port);
        assertThat(api.put("/api/v1/settings/failover", "{\"providers\":[]}").status())
                .isEqualTo(202);
        // The suite's configuration has no failover order: back to the same behaviour.
        await().atMost(Duration.ofSeconds(15))
                .until(() -> failoverOrder.providers().isEmpty());
    }

    @Test
    void aFailoverOrderSetAtRunTimeTakesOverWhileTheDefaultProvidersBreakerIsOpen() {
        ApiClient api = new ApiClient(port);
        String defaultProvider =
                api.get("/api/v1/settings").json().get("defaultProvider").asString();
        String backup = "smtp".equals(defaultProvider) ? "sandbox" : "smtp";

        ApiClient.Response response = api.put("/api/v1/settings/failover", "{\"providers\":[\"" + backup + "\"]}");

        assertThat(response.status()).isEqualTo(202);
        assertThat(names(response.json().get("failover"))).containsExactly(backup);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> names(api.get("/api/v1/settings").json().get("failover")), List.of(backup)::equals);
        await().atMost(Duration.ofSeconds(15)).until(failoverOrder::providers, List.of(backup)::equals);

        openedBreaker = defaultProvider;
        router.breaker(defaultProvider).transitionToForcedOpenState();
        String id = api.submit(ApiClient.email("failover@example.org"));

        assertThat(awaitActivity(api, id, "DISPATCHED").get("provider").asString())
                .isEqualTo(backup);
    }

    @Test
    void withNoFailoverOrderAnOpenBreakerDefersTheMessageInsteadOfSendingElsewhere() {
        ApiClient api = new ApiClient(port);
        String defaultProvider =
                api.get("/api/v1/settings").json().get("defaultProvider").asString();
        assertThat(api.put("/api/v1/settings/failover", "{\"providers\":[]}").status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> failoverOrder.providers().isEmpty());

        openedBreaker = defaultProvider;
        router.breaker(defaultProvider).transitionToForcedOpenState();
        String id = api.submit(ApiClient.email("no-failover@example.org"));

        JsonNode deferred = awaitActivity(api, id, "DEFERRED");
        assertThat(statuses(deferred)).doesNotContain("DISPATCHED");
        assertThat(reasonOf(deferred, "DEFERRED"))
                .contains("'" + defaultProvider + "'", "circuit open", "no failover provider is available");
    }

    private static String reasonOf(JsonNode message, String status) {
        return message.get("activities")
                .valueStream()
                .filter(a -> status.equals(a.get("status").asString()))
                .findFirst()
                .orElseThrow()
                .get("details")
                .get("reason")
                .asString();
    }

    private static List<String> names(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }
}
