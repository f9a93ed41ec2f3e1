package dev.mailroom.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.providers.WebhookReceiver;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/**
 * The controller's refusals with small limits, in front of receivers that refuse or accept
 * without events (so nothing is published): status, problem+json, Retry-After and the
 * {@code mailroom.webhooks.rejected} tags. The same paths against the whole application, with
 * real providers and sockets, are in {@code security.WebhookAttacksTest}.
 */
class WebhookControllerTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private MockMvc controller(int maxCallsPerSecond, MailroomProperties.AuthFailures authFailures) {
        WebhookReceiver forbidding = receiver("ses", request -> {
            throw WebhookRejectedException.forbidden("set mailroom.providers.ses.topic-arns");
        });
        WebhookReceiver checking = receiver("postmark", request -> {
            if (!"right".equals(request.header("Authorization"))) {
                throw WebhookRejectedException.unauthenticated("wrong webhook credentials");
            }
            return List.of();
        });
        MailroomProperties properties = new MailroomProperties(
                null,
                Path.of("target/unused"),
                new MailroomProperties.Api(null),
                new MailroomProperties.Webhooks(
                        Duration.ofMinutes(5),
                        1024,
                        64,
                        maxCallsPerSecond,
                        4096,
                        Duration.ofDays(30),
                        Duration.ofMinutes(15),
                        authFailures),
                new MailroomProperties.Operator(200, 2, 5, Duration.ofSeconds(2), Duration.ofSeconds(1)),
                new MailroomProperties.Dispatcher(50, 2, 32));
        // No publisher: these receivers never produce a report to publish.
        return MockMvcBuilders.standaloneSetup(new WebhookController(
                        List.of(forbidding, checking), null, properties, meters, Clock.systemUTC()))
                .build();
    }

    private static WebhookReceiver receiver(
            String name, java.util.function.Function<WebhookRequest, List<ActivityReport>> behaviour) {
        return new WebhookReceiver() {
            @Override
            public String provider() {
                return name;
            }

            @Override
            public List<ActivityReport> receive(WebhookRequest request) {
                return behaviour.apply(request);
            }
        };
    }

    private static final MailroomProperties.AuthFailures LENIENT =
            new MailroomProperties.AuthFailures(1000, Duration.ofMinutes(1), Duration.ofMinutes(5), 100);

    private double rejected(String provider, String status, String reason) {
        var counter = meters.find("mailroom.webhooks.rejected")
                .tags("provider", provider, "status", status, "reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aReceiverRefusalByConfigurationIsA403ProblemThatSaysWhatToSet() throws Exception {
        controller(1000, LENIENT)
                .perform(post("/webhooks/ses").content("{}"))
                .andExpect(status().isForbidden())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"))
                .andExpect(jsonPath("$.detail").value("set mailroom.providers.ses.topic-arns"));

        assertThat(rejected("ses", "403", "forbidden")).isEqualTo(1);
    }

    @Test
    void callsBeyondTheRatePerSecondAre429WithRetryAfter() throws Exception {
        MockMvc mvc = controller(1, LENIENT);
        int refused = 0;
        MockHttpServletResponse lastRefusal = null;
        for (int i = 0; i < 5; i++) {
            MockHttpServletResponse response = mvc.perform(post("/webhooks/postmark")
                            .header("Authorization", "right")
                            .content("{}"))
                    .andReturn()
                    .getResponse();
            if (response.getStatus() == 429) {
                refused++;
                lastRefusal = response;
            }
        }

        // Five calls span at most two one-second periods: at most two are admitted.
        assertThat(refused).isGreaterThanOrEqualTo(3);
        assertThat(rejected("postmark", "429", "rate-limit")).isEqualTo(refused);
        assertThat(lastRefusal.getHeader("Retry-After")).isEqualTo("1");
        assertThat(lastRefusal.getContentType()).startsWith("application/problem+json");
        assertThat(lastRefusal.getContentAsString()).contains("mailroom.webhooks.max-calls-per-second");
    }

    @Test
    void afterTheMaximumFailuresTheSourceIsRefusedEvenWithTheRightCredentials() throws Exception {
        MockMvc mvc = controller(
                1000, new MailroomProperties.AuthFailures(3, Duration.ofMinutes(1), Duration.ofMinutes(5), 100));
        for (int i = 0; i < 3; i++) {
            mvc.perform(post("/webhooks/postmark")
                            .header("Authorization", "guess-" + i)
                            .content("{}"))
                    .andExpect(status().isUnauthorized());
        }

        mvc.perform(post("/webhooks/postmark").header("Authorization", "right").content("{}"))
                .andExpect(status().isTooManyRequests())
                .andExpect(header().string("Retry-After", "300"))
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"));
        // Another source (MockMvc lets the test choose it) is not affected.
        mvc.perform(post("/webhooks/postmark")
                        .header("Authorization", "right")
                        .content("{}")
                        .with(r -> {
                            r.setRemoteAddr("198.51.100.9");
                            return r;
                        }))
                .andExpect(status().isOk());
        assertThat(rejected("postmark", "401", "unauthenticated")).isEqualTo(3);
        assertThat(rejected("postmark", "429", "throttled")).isEqualTo(1);
    }

    @Test
    void validCallsNeverCountTowardsABlock() throws Exception {
        MockMvc mvc = controller(
                1000, new MailroomProperties.AuthFailures(3, Duration.ofMinutes(1), Duration.ofMinutes(5), 100));

        for (int i = 0; i < 50; i++) {
            mvc.perform(post("/webhooks/postmark")
                            .header("Authorization", "right")
                            .content("{}"))
                    .andExpect(status().isOk());
        }
    }

    @Test
    void aBodyBeyondTheLimitIs413() throws Exception {
        controller(1000, LENIENT)
                .perform(post("/webhooks/postmark")
                        .header("Authorization", "right")
                        .content(new byte[1025]))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"));

        assertThat(rejected("postmark", "413", "too-large")).isEqualTo(1);
    }

    @Test
    void anUnknownProviderIsCountedUnderOneTagWhateverThePathSays() throws Exception {
        controller(1000, LENIENT)
                .perform(post("/webhooks/{provider}", "x\r\ny").content("{}"))
                .andExpect(status().isNotFound());

        assertThat(rejected("unknown", "404", "unknown-provider")).isEqualTo(1);
    }
}
