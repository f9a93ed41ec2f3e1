package dev.mailroom.server.accounts;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.BrokerUri;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Send limits per organization (issue 12, item 1): over the REST API a submission over a limit is refused with
 * 429 naming the limit, with Retry-After and the RateLimit headers; through the mailbox it is recorded and
 * held (SCHEDULED, the limit on its timeline) and sent when the window has room, never dropped. On the embedded
 * broker and H2, and on RabbitMQ and PostgreSQL when the suite runs there.
 */
@EndToEndTest
class SendLimitsTest {
    @LocalServerPort
    int port;

    @Autowired
    Environment env;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aPlansPerMinuteLimitRefusesTheNextSubmissionWith429NamingTheLimit() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "limits-plan-", "send", "read");
        ApiClient platform = new ApiClient(port);
        ApiClient.Response set =
                platform.put("/api/v1/organizations/" + org.id() + "/limits", "{\"plan\":\"test-tiny\"}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        ApiClient api = new ApiClient(port).as(org.key());

        List<ApiClient.Response> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(api.post("/api/v1/messages", ApiClient.email("limited-" + i + "@example.org")));
        }

        assertThat(answers.subList(0, 3))
                .allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(202));
        ApiClient.Response first = answers.get(0);
        assertThat(first.headers().get("RateLimit-Policy"))
                .containsExactly("\"per-minute\";q=3;w=60, \"per-day\";q=1000;w=86400");
        assertThat(first.headers().get("RateLimit").get(0)).startsWith("\"per-minute\";r=2;t=");
        ApiClient.Response refused = answers.get(3);
        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().path("title").asString()).isEqualTo("Send limit reached");
        assertThat(refused.json().path("limit").asString()).isEqualTo("per-minute");
        assertThat(refused.json().path("allowed").asInt()).isEqualTo(3);
        assertThat(refused.json().path("detail").asString()).contains("plan 'test-tiny'");
        long retryAfter = Long.parseLong(refused.headers().get("Retry-After").get(0));
        assertThat(retryAfter).isBetween(1L, 61L);
        assertThat(refused.headers().get("RateLimit").get(0)).startsWith("\"per-minute\";r=0;t=");
        // The refused one was not published: three messages of this organization, no more.
        await().atMost(Duration.ofSeconds(20)).until(() -> messagesOf(org.id()) == 3);

        JsonNode usage = api.get("/api/v1/usage").json();
        assertThat(usage.path("plan").asString()).isEqualTo("test-tiny");
        assertThat(usage.path("limits").get(0).path("window").asString()).isEqualTo("per-minute");
        assertThat(usage.path("limits").get(0).path("used").asInt()).isEqualTo(3);
        assertThat(usage.path("limits").get(0).path("remaining").asInt()).isZero();
    }

    @Test
    void aBatchOverTheLimitIsAcceptedUpToItAndItsOtherItemsAre429() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "limits-batch-", "send", "read");
        ApiClient.Response set =
                new ApiClient(port).put("/api/v1/organizations/" + org.id() + "/limits", "{\"perHour\":3}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            items.append(i == 0 ? "" : ",").append(ApiClient.email("batch-" + i + "@example.org"));
        }

        ApiClient.Response answer =
                new ApiClient(port).as(org.key()).post("/api/v1/messages/batch", "{\"messages\":[" + items + "]}");

        assertThat(answer.status()).as(answer.body()).isEqualTo(207);
        assertThat(answer.json().path("accepted").asInt()).isEqualTo(3);
        JsonNode results = answer.json().path("results");
        for (int i = 0; i < 5; i++) {
            assertThat(results.get(i).path("status").asInt()).isEqualTo(i < 3 ? 202 : 429);
        }
        assertThat(results.get(4).path("title").asString()).isEqualTo("Send limit reached");
        assertThat(results.get(4).path("errors").get(0).path("field").asString())
                .isEqualTo("limit");
        assertThat(answer.headers().get("RateLimit").get(0)).startsWith("\"per-hour\";r=0;t=");
        assertThat(answer.headers()).containsKey("Retry-After");
        await().atMost(Duration.ofSeconds(20)).until(() -> messagesOf(org.id()) == 3);
    }

    @Test
    void anOrganizationsOwnLimitOverridesItsPlanAndIsSetOnlyByThePlatform() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "limits-own-", "send", "read", "admin");
        ApiClient platform = new ApiClient(port);

        ApiClient.Response bad = platform.put(
                "/api/v1/organizations/" + org.id() + "/limits", "{\"plan\":\"no-such-plan\",\"perHour\":0}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body()).contains("\"field\":\"plan\"").contains("\"field\":\"per-hour\"");
        ApiClient.Response byTheOrganization = new ApiClient(port)
                .as(org.key())
                .put("/api/v1/organizations/" + org.id() + "/limits", "{\"perHour\":9}");
        assertThat(byTheOrganization.status()).isEqualTo(403);

        ApiClient.Response set = platform.put(
                "/api/v1/organizations/" + org.id() + "/limits", "{\"plan\":\"test-tiny\",\"perMinute\":1}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().path("limits").get(0).path("limit").asInt()).isEqualTo(1);
        assertThat(set.json().path("limits").get(0).path("source").asString()).isEqualTo("organization");
        assertThat(set.json().path("limits").get(1).path("source").asString()).isEqualTo("plan");

        ApiClient api = new ApiClient(port).as(org.key());
        assertThat(api.post("/api/v1/messages", ApiClient.email("own-1@example.org"))
                        .status())
                .isEqualTo(202);
        assertThat(api.post("/api/v1/messages", ApiClient.email("own-2@example.org"))
                        .status())
                .isEqualTo(429);
    }

    @Test
    void overTheMailboxTheEmailsOverTheLimitAreHeldScheduledAndSentWhenTheWindowHasRoom() throws Exception {
        TestOrganizations.Organization org = TestOrganizations.create(port, "limits-amqp-", "send", "read");
        ApiClient.Response set =
                new ApiClient(port).put("/api/v1/organizations/" + org.id() + "/limits", "{\"perSecond\":2}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);

        List<UUID> ids = new ArrayList<>();
        try (MailroomClient client = MailroomClient.connect(BrokerUri.of(env), org.key())) {
            for (int i = 0; i < 6; i++) {
                ids.add(client.submit(new Email(
                        Address.of("app@example.com"),
                        List.of(Recipient.of("held-" + i + "@example.org")),
                        null,
                        null,
                        null,
                        "Held " + i,
                        "over the limit",
                        null,
                        null,
                        null,
                        null,
                        null)));
            }
        }

        ApiClient api = new ApiClient(port).as(org.key());
        // Nothing is dropped: every one is delivered, those over the limit a little later.
        for (UUID id : ids) {
            awaitStatus(api, id.toString(), "DELIVERED");
        }
        List<JsonNode> held = new ArrayList<>();
        for (UUID id : ids) {
            for (JsonNode activity : api.message(id.toString()).path("activities")) {
                if ("SCHEDULED".equals(activity.path("status").asString())) {
                    held.add(activity);
                }
            }
        }
        assertThat(held).as("held emails: at most 2 a second go at once").hasSizeGreaterThanOrEqualTo(4);
        assertThat(held).allSatisfy(a -> {
            assertThat(a.path("details").path("limit").asString()).isEqualTo("per-second");
            assertThat(a.path("details").path("reason").asString()).contains("send limit reached: 2 emails per second");
        });
        Integer stillHeld = jdbc.queryForObject(
                "SELECT COUNT(*) FROM messages WHERE organization_id = ? AND held_for_limit", Integer.class, org.id());
        assertThat(stillHeld).isZero();
    }

    private int messagesOf(String organization) {
        Integer n = jdbc.queryForObject(
                "SELECT COUNT(*) FROM messages WHERE organization_id = ?", Integer.class, organization);
        return n == null ? 0 : n;
    }
}
