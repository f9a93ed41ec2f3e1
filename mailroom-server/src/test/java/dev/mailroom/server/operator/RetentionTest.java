package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import dev.mailroom.server.support.Timelines;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Retention on a real pipeline: emails sent through the API and delivered by the sandbox are made older (their
 * recording and submission times moved back, as time would), then the operator's retention runs, twice at once and
 * once more. Two organizations with their own settings: each loses exactly what is past its own cutoffs, every row of
 * it, and nothing else; an email the pipeline still needs keeps everything.
 */
@EndToEndTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetentionTest {
    /** Every table that holds an email's rows. */
    static final List<String> EMAIL_TABLES = List.of(
            "messages",
            "message_recipients",
            "message_tags",
            "message_contents",
            "activities",
            "idempotency_keys",
            "message_outcomes");

    private static final int DAY_WITHOUT_EMAILS = 500;
    private static final int DAY_OF_THE_SCHEDULED_EMAIL = 450;
    private static final int DAY_INSIDE_THE_OVERVIEW = 100;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    HistoryExpiry expiry;

    // Organization A: content 10 days, history 30.
    TestOrganizations.Organization a;
    String aPastHistory;
    String aInsideHistory;
    String aInsideContent;
    String aScheduled;
    String aNotYetDispatched;
    String aOldOfMemberWithNewerEmail;
    String aNewOfMemberWithNewerEmail;
    Map<String, Map<String, Integer>> aRowsBefore = new LinkedHashMap<>();

    // Organization B: content 20 days, history 60.
    TestOrganizations.Organization b;
    String bPastHistory;
    String bPastContent;
    String bInsideContent;
    Map<String, Map<String, Integer>> bRowsBefore = new LinkedHashMap<>();

    @BeforeAll
    void twoOrganizationsWithHistoriesOfAllAges() {
        a = TestOrganizations.create(port, "retention-run-a-", "send", "read", "admin");
        b = TestOrganizations.create(port, "retention-run-b-", "send", "read", "admin");
        setRetention(a, 10, 30);
        setRetention(b, 20, 60);

        aPastHistory = delivered(a, "gone", "{\"tags\":[\"old\"]}", "Idempotency-Key", "retention-old-" + a.id());
        aInsideHistory = delivered(a, "inside", "{\"tags\":[\"kept\"],\"metadata\":{\"order\":\"42\"}}");
        aInsideContent = delivered(a, "content", "{\"tags\":[\"kept\"],\"metadata\":{\"order\":\"43\"}}");
        aOldOfMemberWithNewerEmail = delivered(a, "both", "{}");
        aNewOfMemberWithNewerEmail = delivered(a, "both", "{}");
        aNotYetDispatched = delivered(a, "queued", "{}");
        aScheduled = api(a).submit(ApiClient.email(
                "scheduled@example.org",
                "{\"to\":[{\"email\":\"scheduled@example.org\",\"memberId\":\"scheduled\"}],\"sendAt\":\""
                        + Instant.now().plus(Duration.ofDays(1)) + "\"}"));
        Timelines.awaitStatus(api(a), aScheduled, "SCHEDULED");
        // Bounced: an email with a row in message_outcomes too (V25), which must go with it.
        bPastHistory = bounced(b, "gone");
        bPastContent = delivered(b, "aging", "{\"metadata\":{\"order\":\"44\"}}");
        bInsideContent = delivered(b, "fresh", "{}");

        makeOlder(aPastHistory, Duration.ofDays(31));
        makeOlder(aInsideHistory, Duration.ofDays(29));
        makeOlder(aInsideContent, Duration.ofDays(9));
        makeOlder(aOldOfMemberWithNewerEmail, Duration.ofDays(31));
        makeOlder(aScheduled, Duration.ofDays(450));
        makeOlder(aNotYetDispatched, Duration.ofDays(31));
        // As if its dispatch command were still in the dispatching queue: QUEUED, nothing due.
        jdbc.update(
                "UPDATE messages SET status = 'QUEUED', status_rank = 20, next_attempt_at = NULL WHERE id = ?",
                UUID.fromString(aNotYetDispatched));
        makeOlder(bPastHistory, Duration.ofDays(61));
        makeOlder(bPastContent, Duration.ofDays(31));
        makeOlder(bInsideContent, Duration.ofDays(19));
        membersFollowTheirEmails(a.id());
        membersFollowTheirEmails(b.id());
        // The overview's counts of three old days of A: one with no email left and outside the overview's 400 days,
        // one as old with an email the pipeline still needs (aScheduled), one past A's history but inside the window.
        countOn(a, DAY_WITHOUT_EMAILS, "DELIVERED", 3);
        countOn(a, DAY_OF_THE_SCHEDULED_EMAIL, "SCHEDULED", 1);
        countOn(a, DAY_INSIDE_THE_OVERVIEW, "DELIVERED", 2);
        // Made older behind its back: content expiry starts again from the history cutoff, not from where a run since
        // the organizations were created left it.
        jdbc.update("DELETE FROM retention_progress WHERE organization_id IN (?, ?)", a.id(), b.id());

        for (String id : List.of(
                aPastHistory,
                aInsideHistory,
                aInsideContent,
                aScheduled,
                aNotYetDispatched,
                aOldOfMemberWithNewerEmail,
                aNewOfMemberWithNewerEmail)) {
            aRowsBefore.put(id, rowsOf(id));
        }
        for (String id : List.of(bPastHistory, bPastContent, bInsideContent)) {
            bRowsBefore.put(id, rowsOf(id));
        }
        // Between them, the two emails past their histories have rows in every table: a delivered email has none in
        // message_outcomes, a bounced one has.
        assertThat(aRowsBefore.get(aPastHistory))
                .as("an email has rows in every table but the outcomes")
                .allSatisfy((table, rows) -> {
                    if (table.equals("message_outcomes")) {
                        assertThat(rows).as(table).isZero();
                    } else {
                        assertThat(rows).as(table).isPositive();
                    }
                });
        assertThat(bRowsBefore.get(bPastHistory)).containsEntry("message_outcomes", 1);

        // Two operators at once, then one more run: the outcome is the same as one run's.
        CompletableFuture<HistoryExpiry.Outcome> first =
                CompletableFuture.supplyAsync(() -> expiry.expireAll(() -> true));
        CompletableFuture<HistoryExpiry.Outcome> second =
                CompletableFuture.supplyAsync(() -> expiry.expireAll(() -> true));
        first.join();
        second.join();
        expiry.expireAll(() -> true);
    }

    @Test
    void theOverviewForgetsOnlyDaysOutsideItsWindowWithNoEmailLeft() {
        assertThat(countsOn(a, DAY_WITHOUT_EMAILS))
                .as("500 days ago, no email left")
                .isZero();
        assertThat(countsOn(a, DAY_OF_THE_SCHEDULED_EMAIL))
                .as("450 days ago, an email still scheduled")
                .isOne();
        assertThat(countsOn(a, DAY_INSIDE_THE_OVERVIEW))
                .as("100 days ago: past the 30-day history, inside the overview's 400 days")
                .isOne();
    }

    @Test
    void anEmailPastItsOrganizationsHistoryIsGoneWithEveryRow() {
        assertThat(rowsOf(aPastHistory))
                .allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
        assertThat(rowsOf(bPastHistory))
                .allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
        assertThat(api(a).get("/api/v1/messages/" + aPastHistory).status()).isEqualTo(404);
        assertThat(api(a).get("/api/v1/messages?limit=100").body()).doesNotContain(aPastHistory);
        assertThat(api(a).get("/api/v1/messages?tag=old").json().path("items")).isEmpty();
        assertThat(api(b).get("/api/v1/messages?limit=100").body()).doesNotContain(bPastHistory);
    }

    @Test
    void anEmailInsideItsHistoryButPastItsContentKeepsEverythingButTheContent() {
        Map<String, Integer> expected = new LinkedHashMap<>(aRowsBefore.get(aInsideHistory));
        expected.put("message_contents", 0);
        assertThat(rowsOf(aInsideHistory)).isEqualTo(expected);
        JsonNode message = api(a).message(aInsideHistory);
        assertThat(message).isNotNull();
        assertThat(message.path("status").asString()).isEqualTo("DELIVERED");
        assertThat(message.path("tags").toString()).contains("kept");
        assertThat(message.path("metadata").toString()).doesNotContain("42");
        assertThat(Timelines.statuses(message)).contains("ACCEPTED", "QUEUED", "DISPATCHED", "DELIVERED");

        Map<String, Integer> b31 = new LinkedHashMap<>(bRowsBefore.get(bPastContent));
        b31.put("message_contents", 0);
        assertThat(rowsOf(bPastContent))
                .as("31 days: inside B's 60-day history")
                .isEqualTo(b31);
    }

    @Test
    void anEmailInsideItsContentRetentionKeepsEveryRow() {
        assertThat(rowsOf(aInsideContent)).isEqualTo(aRowsBefore.get(aInsideContent));
        assertThat(api(a).message(aInsideContent).path("metadata").path("order").asString())
                .isEqualTo("43");
        assertThat(rowsOf(bInsideContent)).isEqualTo(bRowsBefore.get(bInsideContent));
        assertThat(rowsOf(aNewOfMemberWithNewerEmail)).isEqualTo(aRowsBefore.get(aNewOfMemberWithNewerEmail));
    }

    @Test
    void anEmailThePipelineStillNeedsKeepsEveryRowHoweverOld() {
        assertThat(rowsOf(aScheduled)).as("scheduled").isEqualTo(aRowsBefore.get(aScheduled));
        assertThat(rowsOf(aNotYetDispatched)).as("not yet dispatched").isEqualTo(aRowsBefore.get(aNotYetDispatched));
    }

    @Test
    void aMemberGoesWithItsLastEmailAndOneWithANewerEmailStays() {
        assertThat(api(a).get("/api/v1/members/gone").status()).isEqualTo(404);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM members WHERE organization_id = ? AND member_id = 'gone'",
                        Integer.class,
                        a.id()))
                .isZero();
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM member_search_terms WHERE organization_id = ? AND member_id = 'gone'",
                        Integer.class,
                        a.id()))
                .isZero();
        assertThat(api(a).get("/api/v1/members").body()).doesNotContain("\"gone\"");
        assertThat(api(a).get("/api/v1/members/both").status()).isEqualTo(200);
        assertThat(api(a).get("/api/v1/members/inside").status()).isEqualTo(200);
        assertThat(api(a).get("/api/v1/members/scheduled").status()).isEqualTo(200);
        assertThat(api(a).get("/api/v1/members").body()).contains("\"both\"", "\"inside\"");
        assertThat(api(b).get("/api/v1/members/gone").status()).isEqualTo(404);
        assertThat(api(b).get("/api/v1/members/aging").status()).isEqualTo(200);
    }

    @Test
    void aFailedEmailWhoseContentWentCannotBeRetried() {
        jdbc.update(
                "UPDATE messages SET status = 'FAILED', status_rank = 95 WHERE id = ?",
                UUID.fromString(aInsideHistory));
        try {
            ApiClient.Response retry = api(a).post("/api/v1/messages/" + aInsideHistory + "/retry", "");
            assertThat(retry.status()).as(retry.body()).isEqualTo(409);
            assertThat(retry.body()).contains("retention");
            assertThat(jdbc.queryForObject(
                            "SELECT next_attempt_at FROM messages WHERE id = ?",
                            OffsetDateTime.class,
                            UUID.fromString(aInsideHistory)))
                    .as("nothing due that has nothing to send")
                    .isNull();
        } finally {
            jdbc.update(
                    "UPDATE messages SET status = 'DELIVERED', status_rank = 50 WHERE id = ?",
                    UUID.fromString(aInsideHistory));
        }
    }

    private ApiClient api(TestOrganizations.Organization org) {
        return new ApiClient(port).as(org.key());
    }

    private void setRetention(TestOrganizations.Organization org, int contentDays, int historyDays) {
        ApiClient.Response set = api(org).put(
                        "/api/v1/retention",
                        "{\"contentDays\":" + contentDays + ",\"historyDays\":" + historyDays + "}");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
    }

    /** Sends an email to member {@code member} and waits until the sandbox delivered it. */
    private String delivered(TestOrganizations.Organization org, String member, String extraJson, String... headers) {
        String address = member + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        JsonNode extra = ApiClient.JSON.readTree(extraJson);
        ((tools.jackson.databind.node.ObjectNode) extra)
                .putArray("to")
                .addObject()
                .put("email", address)
                .put("name", "Member " + member)
                .put("memberId", member);
        String id = api(org).submit(ApiClient.email(address, extra.toString()), headers);
        Timelines.awaitStatus(api(org), id, "DELIVERED");
        return id;
    }

    /** Sends an email to member {@code member} at an address the sandbox bounces, and waits until it bounced. */
    private String bounced(TestOrganizations.Organization org, String member) {
        String address = "bounce+" + member + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";
        String id = api(org).submit(ApiClient.email(
                address, "{\"to\":[{\"email\":\"" + address + "\",\"memberId\":\"" + member + "\"}]}"));
        Timelines.awaitStatus(api(org), id, "BOUNCED");
        return id;
    }

    /** Moves an email's recording and submission back by {@code age}, as time would have. */
    private void makeOlder(String id, Duration age) {
        OffsetDateTime at = OffsetDateTime.ofInstant(Instant.now().minus(age), ZoneOffset.UTC);
        assertThat(jdbc.update(
                        "UPDATE messages SET created_at = ?, submitted_at = ? WHERE id = ?",
                        at,
                        at,
                        UUID.fromString(id)))
                .isOne();
    }

    /** A row of the overview's counts on the UTC day {@code daysAgo} days before today. */
    private void countOn(TestOrganizations.Organization org, int daysAgo, String status, int delta) {
        jdbc.update(
                "INSERT INTO overview_counts (organization_id, created_on, status, delta) VALUES (?, ?, ?, ?)",
                org.id(),
                LocalDate.now(ZoneOffset.UTC).minusDays(daysAgo),
                status,
                delta);
    }

    private int countsOn(TestOrganizations.Organization org, int daysAgo) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM overview_counts WHERE organization_id = ? AND created_on = ?",
                Integer.class,
                org.id(),
                LocalDate.now(ZoneOffset.UTC).minusDays(daysAgo));
    }

    /** The member read model as the operator would have kept it: each member's newest email. */
    private void membersFollowTheirEmails(String organization) {
        jdbc.update(
                "UPDATE members SET last_message_at = (SELECT MAX(m.created_at) FROM messages m JOIN message_recipients r"
                        + " ON r.message_id = m.id WHERE r.member_id = members.member_id"
                        + " AND m.organization_id = members.organization_id) WHERE organization_id = ?",
                organization);
    }

    private Map<String, Integer> rowsOf(String id) {
        UUID uuid = UUID.fromString(id);
        Map<String, Integer> rows = new LinkedHashMap<>();
        for (String table : EMAIL_TABLES) {
            String column = table.equals("messages") ? "id" : "message_id";
            rows.put(
                    table,
                    jdbc.queryForObject(
                            "SELECT COUNT(*) FROM " + table + " WHERE " + column + " = ?", Integer.class, uuid));
        }
        return rows;
    }
}
