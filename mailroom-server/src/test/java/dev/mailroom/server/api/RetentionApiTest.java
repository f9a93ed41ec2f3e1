package dev.mailroom.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** An organization's retention through the REST API: its own only, read with read, changed with admin, checked. */
@EndToEndTest
class RetentionApiTest {
    @LocalServerPort
    int port;

    private ApiClient as(String key) {
        return new ApiClient(port).as(key);
    }

    @Test
    void aNewOrganizationKeepsContentThirtyDaysAndHistoryFourHundred() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "retention-new-", "read");

        ApiClient.Response answer = as(org.key()).get("/api/v1/retention");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("organizationId").asString()).isEqualTo(org.id());
        assertThat(answer.json().path("contentDays").asInt()).isEqualTo(30);
        assertThat(answer.json().path("historyDays").asInt()).isEqualTo(400);
    }

    @Test
    void anAdminChangesItsOwnOrganizationsRetentionAndNoOneElses() {
        TestOrganizations.Organization first = TestOrganizations.create(port, "retention-a-", "read", "admin");
        TestOrganizations.Organization second = TestOrganizations.create(port, "retention-b-", "read", "admin");

        ApiClient.Response changed = as(first.key()).put("/api/v1/retention", "{\"contentDays\":7,\"historyDays\":90}");

        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().path("contentDays").asInt()).isEqualTo(7);
        assertThat(changed.json().path("historyDays").asInt()).isEqualTo(90);
        JsonNode firstNow = as(first.key()).get("/api/v1/retention").json();
        assertThat(firstNow.path("contentDays").asInt()).isEqualTo(7);
        assertThat(firstNow.path("historyDays").asInt()).isEqualTo(90);
        JsonNode secondNow = as(second.key()).get("/api/v1/retention").json();
        assertThat(secondNow.path("organizationId").asString()).isEqualTo(second.id());
        assertThat(secondNow.path("contentDays").asInt()).isEqualTo(30);
        assertThat(secondNow.path("historyDays").asInt()).isEqualTo(400);
    }

    @Test
    void aBadSettingIsRefusedNamingItsFieldAndChangesNothing() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "retention-bad-", "read", "admin");
        ApiClient api = as(org.key());
        assertThat(api.put("/api/v1/retention", "{\"contentDays\":5,\"historyDays\":50}")
                        .status())
                .isEqualTo(200);

        assertThat(fieldsRefused(api.put("/api/v1/retention", "{}"))).containsExactly("contentDays", "historyDays");
        assertThat(fieldsRefused(api.put("/api/v1/retention", "{\"contentDays\":0,\"historyDays\":3651}")))
                .containsExactly("contentDays", "historyDays");
        assertThat(fieldsRefused(api.put("/api/v1/retention", "{\"contentDays\":-3,\"historyDays\":10}")))
                .containsExactly("contentDays");
        assertThat(fieldsRefused(api.put("/api/v1/retention", "{\"contentDays\":60,\"historyDays\":30}")))
                .as("content kept longer than the history")
                .containsExactly("contentDays");
        ApiClient.Response notANumber = api.put("/api/v1/retention", "{\"contentDays\":\"soon\",\"historyDays\":30}");
        assertThat(notANumber.status()).as(notANumber.body()).isEqualTo(400);
        assertThat(notANumber.contentType()).startsWith("application/problem+json");
        assertThat(notANumber.body()).contains("contentDays");

        JsonNode now = api.get("/api/v1/retention").json();
        assertThat(now.path("contentDays").asInt()).isEqualTo(5);
        assertThat(now.path("historyDays").asInt()).isEqualTo(50);
    }

    @Test
    void readingTakesTheReadScopeAndChangingTheAdminScope() {
        TestOrganizations.Organization readers = TestOrganizations.create(port, "retention-read-", "read");
        TestOrganizations.Organization senders = TestOrganizations.create(port, "retention-send-", "send");

        assertThat(as(readers.key()).get("/api/v1/retention").status()).isEqualTo(200);
        ApiClient.Response change = as(readers.key()).put("/api/v1/retention", "{\"contentDays\":1,\"historyDays\":1}");
        assertThat(change.status()).as(change.body()).isEqualTo(403);
        assertThat(change.body()).contains("admin");
        assertThat(as(senders.key()).get("/api/v1/retention").status()).isEqualTo(403);
        assertThat(as(NonAdminTestKey.KEY)
                        .put("/api/v1/retention", "{\"contentDays\":1,\"historyDays\":1}")
                        .status())
                .isEqualTo(403);

        JsonNode unchanged = as(readers.key()).get("/api/v1/retention").json();
        assertThat(unchanged.path("contentDays").asInt()).isEqualTo(30);
        assertThat(unchanged.path("historyDays").asInt()).isEqualTo(400);
    }

    private static List<String> fieldsRefused(ApiClient.Response answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(422);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        answer.json().path("errors").forEach(e -> fields.add(e.path("field").asString()));
        return fields;
    }
}
