package dev.mailroom.server.dispatcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.mailroom.server.support.Timelines.awaitActivity;
import static dev.mailroom.server.support.Timelines.statuses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * A provider's 429 with Retry-After holds every send to that provider off until then (the shared
 * back-off, broadcast over the broker even in one process): sends that come meanwhile wait their
 * turn instead of reaching the provider, the 429'd email is retried no sooner, and nothing FAILS.
 * The provider is a fake Mailgun (the suite's shared HTTP fake, under {@code /mailgun}).
 */
@EndToEndTest
class SharedBackoffEndToEndTest {
    private static final String MESSAGES = "/mailgun/v3/mg.example.com/messages";
    private static final int RETRY_AFTER_SECONDS = 3;

    @LocalServerPort
    int port;

    @Autowired
    WireMockServer providerFakes;

    @Autowired
    MeterRegistry meters;

    private Instant backoffEnds;

    @AfterEach
    void theBackOffIsOverBeforeTheNextTestUsesMailgun() {
        if (backoffEnds != null) {
            await().atMost(Duration.ofSeconds(RETRY_AFTER_SECONDS + 5))
                    .until(() -> Instant.now().isAfter(backoffEnds.plusMillis(200)));
        }
    }

    @Test
    void afterA429WithRetryAfterLaterSendsToThatProviderWaitUntilThenAndNothingFails() {
        ApiClient api = new ApiClient(port);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String first = "slow-down-" + run + "@example.org";
        List<String> later = List.of("later-1-" + run + "@example.org", "later-2-" + run + "@example.org");
        String scenario = "429 once " + run;
        providerFakes.stubFor(post(urlEqualTo(MESSAGES))
                .withMultipartRequestBody(aMultipart().withName("to").withBody(equalTo(first)))
                .inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS))
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"message\":\"Too many requests\"}"))
                .willSetStateTo("answered"));
        for (String to : List.of(first, later.get(0), later.get(1))) {
            providerFakes.stubFor(post(urlEqualTo(MESSAGES))
                    .withMultipartRequestBody(aMultipart().withName("to").withBody(equalTo(to)))
                    .inScenario(to.equals(first) ? scenario : "accept " + to)
                    .whenScenarioStateIs(to.equals(first) ? "answered" : Scenario.STARTED)
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody(
                                    "{\"id\":\"<" + UUID.randomUUID() + "@mg.example.com>\",\"message\":\"Queued\"}")));
        }
        double waitedBefore = waited();

        String firstId = api.submit(ApiClient.email(first, "{\"provider\":\"mailgun\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !sent(first).isEmpty());
        Instant answered429 = sent(first).get(0).getLoggedDate().toInstant();
        backoffEnds = answered429.plusSeconds(RETRY_AFTER_SECONDS);
        List<String> laterIds = later.stream()
                .map(to -> api.submit(ApiClient.email(to, "{\"provider\":\"mailgun\"}")))
                .toList();

        JsonNode firstDone = awaitActivity(api, firstId, "DISPATCHED");
        List<JsonNode> laterDone = laterIds.stream()
                .map(id -> awaitActivity(api, id, "DISPATCHED"))
                .toList();

        assertThat(statuses(firstDone)).contains("DEFERRED").doesNotContain("FAILED");
        // The retry of the 429'd email and every later send reached the provider no sooner than the
        // Retry-After (the fake logs a request as it arrives; a little slack for the two clocks' reading).
        Instant notBefore = backoffEnds.minusMillis(100);
        assertThat(sent(first)).hasSize(2);
        assertThat(sent(first).get(1).getLoggedDate().toInstant()).isAfterOrEqualTo(notBefore);
        for (String to : later) {
            assertThat(sent(to)).as("sends to %s", to).hasSize(1);
            assertThat(sent(to).get(0).getLoggedDate().toInstant())
                    .as("%s sent after the back-off", to)
                    .isAfterOrEqualTo(notBefore);
        }
        for (JsonNode message : laterDone) {
            // They waited in the dispatcher (the back-off was shorter than the permit wait): no deferral.
            assertThat(statuses(message)).doesNotContain("FAILED", "DEFERRED");
        }
        assertThat(waited()).isGreaterThanOrEqualTo(waitedBefore + later.size());
    }

    private List<LoggedRequest> sent(String to) {
        return providerFakes.findAll(postRequestedFor(urlEqualTo(MESSAGES))
                .withRequestBodyPart(
                        aMultipart().withName("to").withBody(equalTo(to)).build()));
    }

    private double waited() {
        var counter = meters.find("mailroom.dispatch.quota.waited")
                .tag("provider", "mailgun")
                .counter();
        return counter == null ? 0 : counter.count();
    }
}
