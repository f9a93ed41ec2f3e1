package dev.mailroom.server.api;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/overview}: an organization's emails of its last days by what became of them, from the counts the
 * operator keeps as it records (never counted from the messages per request). Each test has organizations of its
 * own, so the suite's other emails never show in its figures.
 */
@EndToEndTest
class OverviewApiTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void theFiguresMatchACountOfTheOrganizationsMessagesAfterThePipelineAndRepeatedEventsRan() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "overview-", "send", "read");
        ApiClient api = new ApiClient(port).as(org.key());
        Map<String, String> finalStatus = new HashMap<>();
        for (String to : List.of(
                "ada@example.org",
                "grace@example.org",
                "open+1@example.org",
                "click+1@example.org",
                "bounce+1@example.org",
                "complaint+1@example.org",
                "defer+1@example.org")) {
            String status = switch (to.substring(0, to.indexOf('@')).replaceAll("\\+.*", "")) {
                case "open" -> "OPENED";
                case "click" -> "CLICKED";
                case "bounce" -> "BOUNCED";
                case "complaint" -> "COMPLAINED";
                default -> "DELIVERED";
            };
            finalStatus.put(api.submit(ApiClient.email(to)), status);
        }
        String scheduled = api.submit(ApiClient.email(
                "later@example.org", "{\"sendAt\":\"" + Instant.now().plus(2, ChronoUnit.DAYS) + "\"}"));
        String canceled = api.submit(ApiClient.email(
                "never@example.org", "{\"sendAt\":\"" + Instant.now().plus(2, ChronoUnit.DAYS) + "\"}"));
        finalStatus.forEach((id, status) -> awaitStatus(api, id, status));
        awaitStatus(api, scheduled, "SCHEDULED");
        awaitStatus(api, canceled, "SCHEDULED");
        assertThat(api.post("/api/v1/messages/" + canceled + "/cancel", "").status())
                .isBetween(200, 202);
        awaitStatus(api, canceled, "CANCELED");

        // A provider repeating itself, and the tracking queue redelivering: the same OPENED three times for a
        // delivered email, and the same DELIVERED twice for an opened one, each recorded before the next is sent.
        String delivered = finalStatus.entrySet().stream()
                .filter(e -> e.getValue().equals("DELIVERED"))
                .findFirst()
                .orElseThrow()
                .getKey();
        ActivityReport opened = event(delivered, "opened-" + delivered, MessageStatus.OPENED);
        for (int i = 0; i < 3; i++) {
            publishAndAwaitRecorded(opened);
        }
        awaitStatus(api, delivered, "OPENED");
        String openedOne = finalStatus.entrySet().stream()
                .filter(e -> e.getValue().equals("OPENED"))
                .findFirst()
                .orElseThrow()
                .getKey();
        ActivityReport lateDelivery = event(openedOne, "late-" + openedOne, MessageStatus.DELIVERED);
        publishAndAwaitRecorded(lateDelivery);
        publishAndAwaitRecorded(lateDelivery);

        JsonNode overview = api.get("/api/v1/overview?days=3").json();

        Map<LocalDate, Map<String, Long>> counted = countedFromMessages(org.id());
        assertThat(counted.values().stream()
                        .mapToLong(m ->
                                m.values().stream().mapToLong(Long::longValue).sum())
                        .sum())
                .isEqualTo(9);
        Map<String, Long> all = new TreeMap<>();
        counted.values().forEach(day -> day.forEach((status, n) -> all.merge(status, n, Long::sum)));
        assertThat(statuses(overview.get("statuses"))).isEqualTo(all);
        assertThat(all)
                .containsEntry("DELIVERED", 2L)
                .containsEntry("OPENED", 2L)
                .containsEntry("CLICKED", 1L)
                .containsEntry("BOUNCED", 1L)
                .containsEntry("COMPLAINED", 1L)
                .containsEntry("SCHEDULED", 1L)
                .containsEntry("CANCELED", 1L);
        JsonNode totals = overview.get("totals");
        assertThat(totals.get("sent").asLong()).isEqualTo(9);
        assertThat(totals.get("delivered").asLong()).isEqualTo(6);
        assertThat(totals.get("opened").asLong()).isEqualTo(3);
        assertThat(totals.get("clicked").asLong()).isEqualTo(1);
        assertThat(totals.get("bounced").asLong()).isEqualTo(1);
        assertThat(totals.get("complained").asLong()).isEqualTo(1);
        assertThat(totals.get("scheduled").asLong()).isEqualTo(1);
        assertThat(totals.get("canceled").asLong()).isEqualTo(1);
        assertThat(totals.get("inFlight").asLong()).isZero();
        assertThat(totals.get("failed").asLong()).isZero();
        assertThat(overview.get("rates").get("delivered").asDouble()).isEqualTo(0.6667);
        assertThat(overview.get("rates").get("opened").asDouble()).isEqualTo(0.5);
        // Per day too: the days the messages were stored (a run across midnight UTC has two).
        for (JsonNode day : overview.get("daily")) {
            Map<String, Long> ofDay =
                    counted.getOrDefault(LocalDate.parse(day.get("day").asString()), Map.of());
            assertThat(day.get("figures").get("sent").asLong())
                    .as(day.toString())
                    .isEqualTo(
                            ofDay.values().stream().mapToLong(Long::longValue).sum());
            assertThat(day.get("figures").get("delivered").asLong())
                    .as(day.toString())
                    .isEqualTo(ofDay.getOrDefault("DELIVERED", 0L)
                            + ofDay.getOrDefault("OPENED", 0L)
                            + ofDay.getOrDefault("CLICKED", 0L)
                            + ofDay.getOrDefault("COMPLAINED", 0L));
        }
    }

    @Test
    void anotherOrganizationsEmailsAreNeitherCountedNorShown() {
        TestOrganizations.Organization a = TestOrganizations.create(port, "overview-a-", "send", "read");
        TestOrganizations.Organization b = TestOrganizations.create(port, "overview-b-", "send", "read");
        ApiClient asA = new ApiClient(port).as(a.key());
        ApiClient asB = new ApiClient(port).as(b.key());
        List<String> ids = new ArrayList<>();
        ids.add(asA.submit(ApiClient.email("ada@example.org")));
        ids.add(asA.submit(ApiClient.email("bounce+a@example.org")));
        String theirs = asB.submit(ApiClient.email("grace@example.org"));
        awaitStatus(asA, ids.get(0), "DELIVERED");
        awaitStatus(asA, ids.get(1), "BOUNCED");
        awaitStatus(asB, theirs, "DELIVERED");

        JsonNode ofA = asA.get("/api/v1/overview?days=2").json();
        JsonNode ofB = asB.get("/api/v1/overview?days=2").json();

        assertThat(ofA.get("totals").get("sent").asLong()).isEqualTo(2);
        assertThat(statuses(ofA.get("statuses"))).isEqualTo(Map.of("BOUNCED", 1L, "DELIVERED", 1L));
        assertThat(ofB.get("totals").get("sent").asLong()).isEqualTo(1);
        assertThat(statuses(ofB.get("statuses"))).isEqualTo(Map.of("DELIVERED", 1L));
    }

    @Test
    void everyDayOfTheWindowIsListedOldestFirstEndingTodayWithZerosForDaysWithoutEmails() {
        TestOrganizations.Organization quiet = TestOrganizations.create(port, "overview-quiet-", "read");

        Response response = new ApiClient(port).as(quiet.key()).get("/api/v1/overview?days=7");

        assertThat(response.status()).isEqualTo(200);
        JsonNode overview = response.json();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        List<String> days = new ArrayList<>();
        overview.get("daily").forEach(d -> {
            days.add(d.get("day").asString());
            assertThat(d.get("figures").get("sent").asLong()).isZero();
        });
        // Read just before midnight UTC and answered just after, the window may end a day later.
        LocalDate last = LocalDate.parse(days.get(days.size() - 1));
        assertThat(last).isBetween(today, today.plusDays(1));
        List<String> expected = new ArrayList<>();
        for (int i = 6; i >= 0; i--) {
            expected.add(last.minusDays(i).toString());
        }
        assertThat(days).isEqualTo(expected);
        assertThat(overview.get("days").asInt()).isEqualTo(7);
        assertThat(Instant.parse(overview.get("since").asString()))
                .isEqualTo(last.minusDays(6).atStartOfDay(ZoneOffset.UTC).toInstant());
        assertThat(Instant.parse(overview.get("until").asString()))
                .isEqualTo(last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        assertThat(overview.get("rates").get("delivered").isNull()).isTrue();
        assertThat(overview.get("statuses").isEmpty()).isTrue();
        assertThat(new ApiClient(port)
                        .as(quiet.key())
                        .get("/api/v1/overview")
                        .json()
                        .get("daily")
                        .size())
                .isEqualTo(30);
        assertThat(new ApiClient(port)
                        .as(quiet.key())
                        .get("/api/v1/overview?days=400")
                        .json()
                        .get("daily")
                        .size())
                .isEqualTo(400);
    }

    @Test
    void aNumberOfDaysOutsideOneTo400IsRefusedNamingTheParameter() {
        ApiClient api = new ApiClient(port);
        for (String days : List.of("0", "401", "-3", "1.5", "thirty", "99999999999")) {
            Response response = api.get("/api/v1/overview?days=" + days);

            assertThat(response.status()).as(days).isEqualTo(422);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("title").asString()).isEqualTo("Invalid query parameter");
            assertThat(response.json().get("errors").get(0).get("field").asString())
                    .isEqualTo("days");
        }
    }

    @Test
    void aKeyWithoutTheReadScopeIsRefused() {
        TestOrganizations.Organization sender = TestOrganizations.create(port, "overview-send-", "send");

        Response response = new ApiClient(port).as(sender.key()).get("/api/v1/overview");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.body()).contains("read");
    }

    /** The organization's messages counted straight from the table: per UTC day of created_at, per status. */
    private Map<LocalDate, Map<String, Long>> countedFromMessages(String organizationId) {
        Map<LocalDate, Map<String, Long>> counted = new TreeMap<>();
        jdbc.query(
                "SELECT created_at, status FROM messages WHERE organization_id = ?",
                rs -> {
                    LocalDate day = rs.getObject("created_at", java.time.OffsetDateTime.class)
                            .toInstant()
                            .atZone(ZoneOffset.UTC)
                            .toLocalDate();
                    counted.computeIfAbsent(day, d -> new TreeMap<>()).merge(rs.getString("status"), 1L, Long::sum);
                },
                organizationId);
        return counted;
    }

    private static Map<String, Long> statuses(JsonNode node) {
        Map<String, Long> statuses = new TreeMap<>();
        node.properties().forEach(e -> statuses.put(e.getKey(), e.getValue().asLong()));
        return statuses;
    }

    private static ActivityReport event(String messageId, String eventId, MessageStatus status) {
        return ActivityReport.event(
                Ids.providerEvent("sandbox", eventId),
                UUID.fromString(messageId),
                null,
                "sandbox",
                status,
                Instant.now(),
                null,
                status.name().toLowerCase(java.util.Locale.ROOT),
                Map.of());
    }

    /**
     * Publishes a report on the tracking queue and waits until the operator has recorded a report of its status (the
     * operator's count of them grows; each report, a repeated one too, counts when its transaction ran).
     */
    private void publishAndAwaitRecorded(ActivityReport report) {
        double before = recorded(report.status());
        publish(report);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> recorded(report.status()) > before);
    }

    private double recorded(MessageStatus status) {
        io.micrometer.core.instrument.Counter counter = meters.find("mailroom.operator.activity.reports")
                .tag("status", status.name())
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private void publish(ActivityReport report) {
        MessageProperties props = new MessageProperties();
        props.setMessageId(report.id().toString());
        props.setType(MessageTypes.ACTIVITY_V1);
        rabbit.send("", QueueNames.TRACKING, new Message(ContractJson.write(report), props));
    }
}
