package dev.mailroom.server.api;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.EndToEndTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/members}: one row per memberId, scoped to the caller's organization, searchable, paged. */
@EndToEndTest
class MembersApiTest {
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
    void aMemberSumsUpTheirAddressesEmailsAndCurrentStatuses() {
        String member = "sum-" + UUID.randomUUID();
        // Addresses of this run's own: a bounce suppresses its address, and the suite may run again on one database.
        String run = member.substring(4, 12);
        String clickedAddress = "click+sum-" + run + "@example.org";
        String bouncedAddress = "bounce+sum-" + run + "@example.org";
        String clicked = api.submit(to(member, clickedAddress, "Ada Byron", "{}"));
        awaitStatus(api, clicked, "CLICKED");
        // A later email to another address, with a newer name: the member's newest email and name.
        String bounced = api.submit(to(member, bouncedAddress, "Ada Lovelace", "{\"subject\":\"Your invoice\"}"));
        awaitStatus(api, bounced, "BOUNCED");
        api.submit(ApiClient.email("not-a-member@example.org"));

        JsonNode row = onlyItem("/api/v1/members?search=" + member);

        assertThat(row.get("memberId").asString()).isEqualTo(member);
        assertThat(row.get("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(texts(row.get("emails"))).containsExactly(bouncedAddress, clickedAddress);
        assertThat(row.get("messages").asLong()).isEqualTo(2);
        assertThat(row.get("statuses").toString()).isEqualTo("{\"CLICKED\":1,\"BOUNCED\":1}");
        assertThat(row.get("lastMessage").get("id").asString()).isEqualTo(bounced);
        assertThat(row.get("lastMessage").get("subject").asString()).isEqualTo("Your invoice");
        assertThat(row.get("lastMessage").get("status").asString()).isEqualTo("BOUNCED");
        assertThat(Instant.parse(row.get("lastMessageAt").asString()))
                .isEqualTo(Instant.parse(row.get("lastMessage").get("createdAt").asString()));
        assertThat(api.get("/api/v1/members/" + member).json()).isEqualTo(row);
    }

    @Test
    void anEmailToAMemberTwiceCountsOnce() {
        String member = "twice-" + UUID.randomUUID();
        String id = api.submit(ApiClient.email(
                "ada@example.org",
                "{\"to\":[{\"email\":\"ada@example.org\",\"memberId\":\"" + member + "\"}],"
                        + "\"cc\":[{\"email\":\"ada@work.example.org\",\"memberId\":\"" + member + "\"}]}"));
        awaitStatus(api, id, "DELIVERED");

        JsonNode row = onlyItem("/api/v1/members?search=" + member);

        assertThat(row.get("messages").asLong()).isEqualTo(1);
        assertThat(row.get("statuses").toString()).isEqualTo("{\"DELIVERED\":1}");
        assertThat(texts(row.get("emails"))).containsExactlyInAnyOrder("ada@example.org", "ada@work.example.org");
    }

    @Test
    void searchMatchesPartOfTheMemberIdAnAddressOrANameIgnoringCase() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String member = "search-" + tag;
        String id = api.submit(to(member, "grace." + tag + "@example.org", "Grace Hopper-" + tag, "{}"));
        awaitStatus(api, id, "DELIVERED");

        assertThat(memberIds("/api/v1/members?search=SEARCH-" + tag.toUpperCase()))
                .containsExactly(member);
        assertThat(memberIds("/api/v1/members?search=" + encode("Grace." + tag + "@EXAMPLE")))
                .containsExactly(member);
        assertThat(memberIds("/api/v1/members?search=" + encode("hopper-" + tag)))
                .containsExactly(member);
        assertThat(memberIds("/api/v1/members?search=" + encode("nobody-" + tag)))
                .isEmpty();
    }

    @Test
    void searchWildcardsAreTakenLiterally() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String literal = "pct%_" + tag;
        String plain = "pctxx" + tag;
        awaitStatus(api, api.submit(to(literal, "a@example.org", null, "{}")), "DELIVERED");
        awaitStatus(api, api.submit(to(plain, "b@example.org", null, "{}")), "DELIVERED");

        assertThat(memberIds("/api/v1/members?search=" + encode("%_" + tag))).containsExactly(literal);
        assertThat(memberIds("/api/v1/members?search=" + encode("pct_"))).doesNotContain(plain);
    }

    @Test
    void membersComeNewestFirstAndPagesFollowTheCursorWithoutGapsOrRepeats() {
        String prefix = "pager-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> newestFirst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String member = prefix + i;
            // One at a time, so each member's newest email has its own time.
            awaitStatus(api, api.submit(to(member, "ada@example.org", null, "{}")), "DELIVERED");
            newestFirst.add(0, member);
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get(
                            "/api/v1/members?limit=2&search=" + prefix + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            page.get("items").forEach(item -> seen.add(item.get("memberId").asString()));
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(newestFirst);
    }

    @Test
    void anotherOrganizationsMembersAreNeverSeenOrCounted() {
        String member = "tenant-" + UUID.randomUUID();
        String ours = api.submit(to(member, "ada@example.org", "Ada", "{}"));
        awaitStatus(api, ours, "DELIVERED");
        // The same member id in another organization's email (written as the operator would).
        UUID theirs = UUID.randomUUID();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update(
                "INSERT INTO messages (id, organization_id, from_email, subject, status, status_rank, submitted_at,"
                        + " created_at, updated_at) VALUES (?, 'other-org', 'x@example.com', 'Theirs', 'BOUNCED', 90, ?, ?, ?)",
                theirs,
                now,
                now,
                now);
        jdbc.update("INSERT INTO message_contents (message_id, content) VALUES (?, '{}')", theirs);
        jdbc.update(
                "INSERT INTO message_recipients (message_id, position, kind, email, name, member_id, organization_id)"
                        + " SELECT id, 0, 'to', ?, 'Eve', ?, organization_id FROM messages WHERE id = ?",
                "eve@other.example.org",
                member,
                theirs);
        jdbc.update(
                "INSERT INTO members (organization_id, member_id, last_message_at) VALUES ('other-org', ?, ?)",
                member,
                now);
        jdbc.update(
                "INSERT INTO member_search_terms (organization_id, member_id, term) VALUES ('other-org', ?, ?)",
                member,
                "eve@other.example.org");

        JsonNode row = onlyItem("/api/v1/members?search=" + member);

        assertThat(row.get("messages").asLong()).isEqualTo(1);
        assertThat(texts(row.get("emails"))).containsExactly("ada@example.org");
        assertThat(row.get("statuses").toString()).isEqualTo("{\"DELIVERED\":1}");
        assertThat(row.get("lastMessage").get("id").asString()).isEqualTo(ours);
        assertThat(memberIds("/api/v1/members?search=eve%40other")).isEmpty();
    }

    @Test
    void membersWithMoreRecipientRowsThanAPageReadsAreSummedUpTheSameByTheDatabase() {
        String tag = "long-" + UUID.randomUUID().toString().substring(0, 8);
        String first = tag + "-a";
        String second = tag + "-b";
        List<String> ids = new ArrayList<>();
        ids.add(api.submit(to(first, "click+" + tag + "@example.org", "Ada Byron", "{}")));
        ids.add(api.submit(to(first, "bounce+" + tag + "@example.org", "Ada Lovelace", "{\"subject\":\"Late\"}")));
        ids.add(api.submit(ApiClient.email(
                "one@example.org",
                "{\"to\":[{\"email\":\"one+" + tag + "@example.org\",\"memberId\":\"" + second + "\"}],"
                        + "\"cc\":[{\"email\":\"two+" + tag + "@example.org\",\"memberId\":\"" + second + "\"}]}")));
        ids.add(api.submit(to(second, "bounce+" + tag + "@example.org", null, "{}")));
        awaitStatus(api, ids.get(0), "CLICKED");
        awaitStatus(api, ids.get(1), "BOUNCED");
        awaitStatus(api, ids.get(2), "DELIVERED");
        awaitStatus(api, ids.get(3), "BOUNCED");
        String organization = jdbc.queryForObject(
                "SELECT organization_id FROM messages WHERE id = ?", String.class, UUID.fromString(ids.get(0)));

        // Every member's rows read in the one pass; then too few rows for the pass to finish a member (1), to finish
        // one and not the other (2, 3: the rows come member by member), or both but not know it (4: one row more).
        MemberViews.MemberPage onePass = new MemberQueries(jdbc, 10_000).list(organization, null, tag, 50, null);
        assertThat(onePass.items())
                .extracting(MemberViews.MemberSummary::memberId, MemberViews.MemberSummary::messages)
                .containsExactlyInAnyOrder(tuple(first, 2L), tuple(second, 2L));
        assertThat(onePass.items())
                .extracting(summary -> summary.emails().size())
                .containsExactlyInAnyOrder(2, 3);
        for (int rows = 1; rows <= 5; rows++) {
            assertThat(new MemberQueries(jdbc, rows).list(organization, null, tag, 50, null))
                    .as("at most %d rows in one pass", rows)
                    .isEqualTo(onePass);
            assertThat(new MemberQueries(jdbc, rows).find(organization, second))
                    .isEqualTo(new MemberQueries(jdbc, 10_000).find(organization, second));
        }
    }

    @Test
    void theMemberIdFilterFindsExactlyOneMemberWhateverTheirIdHolds() {
        String member = "users/" + UUID.randomUUID() + "?&%";
        awaitStatus(api, api.submit(to(member, "ada@example.org", null, "{}")), "DELIVERED");
        awaitStatus(api, api.submit(to(member + "-not", "ada@example.org", null, "{}")), "DELIVERED");

        assertThat(memberIds("/api/v1/members?memberId=" + encode(member))).containsExactly(member);
        assertThat(memberIds("/api/v1/members?memberId=" + encode("users/"))).isEmpty();
    }

    @Test
    void anUnknownMemberIsNotFound() {
        Response response = api.get("/api/v1/members/nobody-" + UUID.randomUUID());

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("detail").asString()).contains("memberId");
    }

    @Test
    void badListParametersAreNamed() {
        Response response = api.get("/api/v1/members?limit=0&cursor=nonsense&search=" + "x".repeat(321));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.contentType()).startsWith("application/problem+json");
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).containsExactlyInAnyOrder("limit", "cursor", "search");
    }

    @Test
    void membersNeedAnApiKey() {
        Response response = api.getWith("/api/v1/members", "Authorization", "Bearer not-the-key");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().get("detail").asString()).isEqualTo("the API key is not valid");
    }

    /** An email to one recipient who is the given member. */
    private static String to(String memberId, String email, String name, String extraJson) {
        tools.jackson.databind.node.ObjectNode recipient =
                ApiClient.JSON.createObjectNode().put("email", email).put("memberId", memberId);
        if (name != null) {
            recipient.put("name", name);
        }
        tools.jackson.databind.node.ObjectNode extra =
                (tools.jackson.databind.node.ObjectNode) ApiClient.JSON.readTree(extraJson);
        extra.putArray("to").add(recipient);
        return ApiClient.email(email, extra.toString());
    }

    private JsonNode onlyItem(String path) {
        Response response = api.get(path);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode items = response.json().get("items");
        assertThat(items.size()).as(response.body()).isEqualTo(1);
        return items.get(0);
    }

    private List<String> memberIds(String path) {
        Response response = api.get(path);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return texts(response.json().get("items").findValues("memberId"));
    }

    private static List<String> texts(Iterable<JsonNode> nodes) {
        List<String> texts = new ArrayList<>();
        nodes.forEach(n -> texts.add(n.asString()));
        return texts;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
