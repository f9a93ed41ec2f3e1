package dev.mailroom.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.EndToEndTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Times Java parses but no database column holds — in {@code since}, {@code until} and forged
 * cursors — are the caller's mistake: 422 naming the parameter, never a 500. Every problem is
 * titled by what it is, not "Invalid email".
 */
@EndToEndTest
class HostileQueryParametersTest {
    @LocalServerPort
    int port;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    @Test
    void timesOutsideTheYearsADatabaseHoldsAreRefusedNamingTheParameter() {
        for (String parameter : List.of("since", "until")) {
            for (String time : List.of(
                    "+1000000000-01-01T00:00:00Z",
                    "-1000000000-01-01T00:00:00Z",
                    "+999999999-12-31T23:59:59Z",
                    "+294277-01-01T00:00:00Z",
                    "-4714-11-24T00:00:00Z",
                    "+10000-01-01T00:00:00Z",
                    "0000-12-31T23:59:59Z")) {
                Response response = api.get(
                        "/api/v1/messages?" + parameter + "=" + URLEncoder.encode(time, StandardCharsets.UTF_8));

                assertThat(response.status())
                        .as(parameter + "=" + time + " → " + response.body())
                        .isEqualTo(422);
                assertThat(response.contentType()).startsWith("application/problem+json");
                assertThat(response.json().get("title").asString()).isEqualTo("Invalid query parameter");
                assertThat(fields(response)).as(time).containsExactly(parameter);
            }
        }
    }

    @Test
    void aTimeBeyondWhatJavaParsesIsRefusedTheSameWay() {
        Response response = api.get("/api/v1/messages?since=%2B1000000001-01-01T00:00:00Z&until=yesterday");

        assertThat(response.status()).isEqualTo(422);
        assertThat(fields(response)).containsExactlyInAnyOrder("since", "until");
        assertThat(response.json().get("errors").get(0).get("message").asString())
                .contains("ISO-8601");
    }

    @Test
    void timesAtTheEdgesOfTheWindowAreAnswered() {
        Response response = api.get("/api/v1/messages?since=0001-01-01T00:00:00Z&until=9999-12-31T23:59:59Z");

        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @Test
    void aForgedCursorFarInTheFutureOrPastIsRefusedNotA500() {
        for (String seconds : List.of(
                Long.toString(Instant.parse("+999999999-12-31T00:00:00Z").getEpochSecond()),
                Long.toString(Instant.parse("-999999999-01-01T00:00:00Z").getEpochSecond()),
                "31556889864403200",
                "9223372036854775807")) {
            String messages = cursor(seconds + ":0:" + UUID.randomUUID());
            String members = cursor(seconds + ":0:member-1");

            Response messagePage = api.get("/api/v1/messages?cursor=" + messages);
            Response memberPage = api.get("/api/v1/members?cursor=" + members);

            assertThat(messagePage.status())
                    .as(seconds + " → " + messagePage.body())
                    .isEqualTo(422);
            assertThat(fields(messagePage)).containsExactly("cursor");
            assertThat(messagePage.json().get("title").asString()).isEqualTo("Invalid query parameter");
            assertThat(memberPage.status())
                    .as(seconds + " → " + memberPage.body())
                    .isEqualTo(422);
            assertThat(fields(memberPage)).containsExactly("cursor");
        }
    }

    @Test
    void aLimitThatIsNotANumberIsNamedWithTheOtherProblems() {
        Response response = api.get("/api/v1/messages?limit=lots&status=LOST");

        assertThat(response.status()).isEqualTo(422);
        assertThat(fields(response)).containsExactlyInAnyOrder("limit", "status");
        assertThat(api.get("/api/v1/members?limit=" + Long.MAX_VALUE).status()).isEqualTo(422);
    }

    @Test
    void eachProblemIsTitledByWhatItIs() {
        Response email = api.post("/api/v1/messages", "{\"from\":{\"email\":\"nope\"}}");
        Response setting = api.put("/api/v1/settings/default-provider", "{\"provider\":\"carrier-pigeon\"}");
        Response path = api.get("/api/v1/messages/not-a-uuid");
        Response body = api.post("/api/v1/messages", "{\"from\": ");

        assertThat(email.json().get("title").asString()).isEqualTo("Invalid email");
        assertThat(setting.status()).isEqualTo(422);
        assertThat(setting.json().get("title").asString()).isEqualTo("Invalid setting");
        assertThat(path.status()).isEqualTo(400);
        assertThat(path.json().get("title").asString()).isEqualTo("Invalid path");
        assertThat(path.json().get("errors").get(0).get("field").asString()).isEqualTo("id");
        assertThat(body.status()).isEqualTo(400);
        assertThat(body.json().get("title").asString()).isEqualTo("Unreadable body");
    }

    @Test
    void aValueOfTheWrongShapeIsNamedWithWhatItShouldBeAndNoJavaClass() {
        Response from = api.post(
                "/api/v1/messages",
                "{\"from\":\"app@example.org\",\"to\":[{\"email\":\"ada@example.org\"}],\"subject\":\"s\",\"text\":\"t\"}");
        Response sendAt = api.post(
                "/api/v1/messages",
                "{\"from\":{\"email\":\"app@example.org\"},\"to\":[{\"email\":\"ada@example.org\"}],\"subject\":\"s\","
                        + "\"text\":\"t\",\"sendAt\":\"tomorrow\"}");
        Response batchItem = api.post(
                "/api/v1/messages/batch",
                "{\"messages\":[{\"from\":{\"email\":\"app@example.org\"},\"to\":\"ada@example.org\",\"subject\":\"s\","
                        + "\"text\":\"t\"}]}");

        assertThat(from.status()).isEqualTo(400);
        assertThat(from.json().get("errors").get(0).get("field").asString()).isEqualTo("from");
        assertThat(from.json().get("errors").get(0).get("message").asString())
                .startsWith("must be an object such as {\"email\"");
        assertThat(sendAt.status()).isEqualTo(400);
        assertThat(sendAt.json().get("errors").get(0).get("field").asString()).isEqualTo("sendAt");
        assertThat(sendAt.json().get("errors").get(0).get("message").asString()).contains("ISO-8601", "'tomorrow'");
        assertThat(batchItem.status()).isEqualTo(207);
        assertThat(batchItem
                        .json()
                        .get("results")
                        .get(0)
                        .get("errors")
                        .get(0)
                        .get("message")
                        .asString())
                .isEqualTo("must be a list (a JSON array)");
        for (Response r : List.of(from, sendAt, batchItem)) {
            assertThat(r.json().toString()).doesNotContain("dev.mailroom", "java.", "Cannot construct");
        }
    }

    private static String cursor(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> fields(Response response) {
        List<String> fields = new ArrayList<>();
        response.json().path("errors").forEach(e -> fields.add(e.get("field").asString()));
        return fields;
    }
}
