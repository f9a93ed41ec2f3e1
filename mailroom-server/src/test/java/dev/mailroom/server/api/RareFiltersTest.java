package dev.mailroom.server.api;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The message list filtered by a status few emails reach (V25's {@code message_outcomes}: the operator keeps a row for
 * each email while it is at such a status) or by a tag (V26: tags carry their email's organization and time): each
 * walks an index of its own, and finds exactly the emails it should, newest first, page by page.
 */
@EndToEndTest
class RareFiltersTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    ApiClient api;

    @BeforeEach
    void connect() {
        api = new ApiClient(port);
    }

    @Test
    void aFilterByABounceListsExactlyTheBouncedEmailsNewestFirstAcrossPages() {
        String tag = "outcome-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> bounced = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            bounced.add(api.submit(ApiClient.email("bounce+" + tag + "@example.org", tagged(tag))));
        }
        String delivered = api.submit(ApiClient.email("ada+" + tag + "@example.org", tagged(tag)));
        bounced.forEach(id -> awaitStatus(api, id, "BOUNCED"));
        awaitStatus(api, delivered, "DELIVERED");

        Pages pages = pagesOf("/api/v1/messages?status=BOUNCED&limit=2&tag=" + tag);

        assertThat(pages.ids()).containsExactlyInAnyOrderElementsOf(bounced);
        assertThat(pages.statuses()).containsOnly("BOUNCED");
        assertThat(pages.count()).isEqualTo(2);
        assertThat(pages.times()).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(outcome(delivered)).isNull();
        bounced.forEach(id -> assertThat(outcome(id)).isEqualTo("BOUNCED"));
    }

    @Test
    void aTagFilterListsTheOrganizationsTaggedEmailsNewestFirstAcrossPagesWithinTheTimeAsked() {
        String tag = "tagged-" + UUID.randomUUID().toString().substring(0, 8);
        Instant before = Instant.now().minusSeconds(1);
        List<String> tagged = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tagged.add(api.submit(ApiClient.email("ada@example.org", tagged(tag))));
        }
        String other = api.submit(ApiClient.email("ada@example.org", tagged(tag + "-other")));
        tagged.forEach(id -> awaitStatus(api, id, "DELIVERED"));
        awaitStatus(api, other, "DELIVERED");

        Pages pages = pagesOf("/api/v1/messages?limit=2&tag=" + tag + "&since=" + before);

        assertThat(pages.ids()).containsExactlyInAnyOrderElementsOf(tagged);
        assertThat(pages.count()).isEqualTo(2);
        assertThat(pages.times()).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(api.get("/api/v1/messages?tag=" + tag + "&until=" + before)
                        .json()
                        .get("items"))
                .isEmpty();
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM message_tags t JOIN messages m ON m.id = t.message_id"
                                + " WHERE t.tag = ? AND t.organization_id = m.organization_id"
                                + " AND t.created_at = m.created_at",
                        Long.class,
                        tag))
                .isEqualTo(3L);
    }

    @Test
    void aScheduledEmailIsListedWhileScheduledThenAsCanceledOrNotAtAllOnceSent() {
        String canceled = api.submit(ApiClient.email(
                "ada@example.org", "{\"sendAt\":\"" + Instant.now().plusSeconds(600) + "\"}"));
        String sent = api.submit(ApiClient.email(
                "ada@example.org", "{\"sendAt\":\"" + Instant.now().plusSeconds(2) + "\"}"));
        awaitStatus(api, canceled, "SCHEDULED");
        assertThat(outcome(canceled)).isEqualTo("SCHEDULED");
        assertThat(listed("SCHEDULED", canceled)).isTrue();

        assertThat(api.post("/api/v1/messages/" + canceled + "/cancel", "").status())
                .isEqualTo(202);
        awaitStatus(api, sent, "DELIVERED");

        assertThat(outcome(canceled)).isEqualTo("CANCELED");
        assertThat(listed("SCHEDULED", canceled)).isFalse();
        assertThat(listed("CANCELED", canceled)).isTrue();
        assertThat(outcome(sent)).isNull();
        assertThat(listed("SCHEDULED", sent)).isFalse();
    }

    @Test
    void aRowThatNoLongerSaysTheEmailsStatusHidesNothingAndShowsNothing() {
        String id = api.submit(ApiClient.email("ada@example.org"));
        awaitStatus(api, id, "DELIVERED");
        // As if an operator had died between a status change and its row: the message's own status decides.
        jdbc.update(
                "INSERT INTO message_outcomes (message_id, organization_id, status, created_at)"
                        + " SELECT id, organization_id, 'COMPLAINED', created_at FROM messages WHERE id = ?",
                UUID.fromString(id));

        assertThat(listed("COMPLAINED", id)).isFalse();
        assertThat(listed("DELIVERED", id)).isTrue();
    }

    @Test
    void aFilterByAStatusOnTheMainPathReadsTheDaysThatHaveEmailsAtItAndFindsEachOneAcrossDaysAndPages() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "status-days-", "send", "read");
        ApiClient client = new ApiClient(port).as(org.key());
        List<String> opened = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            opened.add(client.submit(ApiClient.email("open+" + i + "@example.org")));
        }
        String delivered = client.submit(ApiClient.email("ada@example.org"));
        opened.forEach(id -> awaitStatus(client, id, "OPENED"));
        awaitStatus(client, delivered, "DELIVERED");
        Instant fiveDaysAgo = Instant.now().minus(5, ChronoUnit.DAYS);
        storedDaysAgo(opened.get(1), 3);
        storedDaysAgo(opened.get(2), 10);

        Pages pages = pagesOf(client, "/api/v1/messages?status=OPENED&limit=2");

        assertThat(pages.ids()).containsExactlyElementsOf(opened);
        assertThat(pages.count()).isEqualTo(2);
        assertThat(pagesOf(client, "/api/v1/messages?status=OPENED&limit=1&until=" + fiveDaysAgo)
                        .ids())
                .containsExactly(opened.get(2));
        assertThat(pagesOf(client, "/api/v1/messages?status=OPENED&limit=1&since=" + fiveDaysAgo)
                        .ids())
                .containsExactly(opened.get(0), opened.get(1));
        assertThat(pagesOf(client, "/api/v1/messages?status=DELIVERED").ids()).containsExactly(delivered);
        assertThat(pagesOf(client, "/api/v1/messages?status=DISPATCHED").ids()).isEmpty();
        // The edges of the times the API accepts: nothing there, and no error.
        assertThat(pagesOf(client, "/api/v1/messages?status=OPENED&until=0001-01-01T00:00:00Z")
                        .ids())
                .isEmpty();
        assertThat(pagesOf(client, "/api/v1/messages?status=OPENED&since=9999-12-31T23:59:59Z")
                        .ids())
                .isEmpty();

        // The walk reads the days the counts name and no others. Were a day's count wrong (never so: the operator
        // writes it in the transaction that changes the status), its emails would not be read.
        jdbc.update(
                "INSERT INTO overview_counts (organization_id, created_on, status, delta) VALUES (?,?,?,?)",
                org.id(),
                LocalDate.ofInstant(Instant.now().minus(10, ChronoUnit.DAYS), ZoneOffset.UTC),
                "OPENED",
                -1);
        assertThat(pagesOf(client, "/api/v1/messages?status=OPENED").ids())
                .containsExactly(opened.get(0), opened.get(1));
    }

    /**
     * As if the email had been stored {@code days} earlier: its time and its count in the overview move together, as
     * the operator would have written them then.
     */
    private void storedDaysAgo(String id, int days) {
        UUID message = UUID.fromString(id);
        String organization =
                jdbc.queryForObject("SELECT organization_id FROM messages WHERE id = ?", String.class, message);
        String status = jdbc.queryForObject("SELECT status FROM messages WHERE id = ?", String.class, message);
        OffsetDateTime stored =
                jdbc.queryForObject("SELECT created_at FROM messages WHERE id = ?", OffsetDateTime.class, message);
        OffsetDateTime earlier = stored.minusDays(days);
        jdbc.update("UPDATE messages SET created_at = ? WHERE id = ?", earlier, message);
        jdbc.update(
                "INSERT INTO overview_counts (organization_id, created_on, status, delta) VALUES (?,?,?,?)",
                organization,
                LocalDate.ofInstant(stored.toInstant(), ZoneOffset.UTC),
                status,
                -1);
        jdbc.update(
                "INSERT INTO overview_counts (organization_id, created_on, status, delta) VALUES (?,?,?,?)",
                organization,
                LocalDate.ofInstant(earlier.toInstant(), ZoneOffset.UTC),
                status,
                1);
    }

    /** What a list's pages held, followed by cursor to the end (at most 10 pages). */
    private record Pages(List<String> ids, List<String> statuses, List<Instant> times, int count) {}

    private Pages pagesOf(String path) {
        return pagesOf(api, path);
    }

    private static Pages pagesOf(ApiClient api, String path) {
        List<String> ids = new ArrayList<>();
        List<String> statuses = new ArrayList<>();
        List<Instant> times = new ArrayList<>();
        String cursor = null;
        int count = 0;
        do {
            JsonNode page =
                    api.get(path + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("items").forEach(item -> {
                ids.add(item.get("id").asString());
                statuses.add(item.get("status").asString());
                times.add(Instant.parse(item.get("createdAt").asString()));
            });
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
            count++;
        } while (cursor != null && count < 10);
        return new Pages(ids, statuses, times, count);
    }

    private boolean listed(String status, String id) {
        JsonNode page = api.get("/api/v1/messages?limit=200&status=" + status).json();
        for (JsonNode item : page.get("items")) {
            if (item.get("id").asString().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private String outcome(String id) {
        return jdbc.query(
                "SELECT status FROM message_outcomes WHERE message_id = ?",
                rs -> rs.next() ? rs.getString(1) : null,
                UUID.fromString(id));
    }

    private static String tagged(String tag) {
        return "{\"tags\":[\"" + tag + "\"]}";
    }
}
