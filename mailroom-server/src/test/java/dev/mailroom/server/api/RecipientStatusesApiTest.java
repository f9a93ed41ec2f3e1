package dev.mailroom.server.api;

import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.OutcomeStatuses;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import dev.mailroom.server.support.TestOrganizations.Organization;
import dev.mailroom.server.support.Timelines;
import java.sql.Timestamp;
import java.time.Instant;
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
 * A status per recipient in {@code GET /api/v1/messages/{id}}, the list's {@code recipientStatus} filter and the
 * members' counts. The rows of a message of several recipients are written here as the operator writes them
 * (schema V10: {@code message_recipients.status} for each recipient, activities naming their recipient), in an
 * organization of the test's own, so that the list holds only what the test wrote.
 */
@EndToEndTest
class RecipientStatusesApiTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    Organization org;
    ApiClient api;
    Instant base;

    @BeforeEach
    void organizationOfItsOwn() {
        org = TestOrganizations.create(port, "recipient-views-", "send", "read");
        api = new ApiClient(port).as(org.key());
        base = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(600);
    }

    @Test
    void eachRecipientHasItsOwnStatusAndTheActivitiesThatConcernIt() {
        UUID id = threeRecipients("ada-" + UUID.randomUUID(), base);

        JsonNode message = api.get("/api/v1/messages/" + id).json();

        assertThat(message.get("status").asString()).isEqualTo("BOUNCED");
        JsonNode recipients = message.get("recipients");
        assertThat(texts(recipients, "email"))
                .containsExactly("ok@example.org", "Bounce@Example.org", "open@example.org");
        assertThat(texts(recipients, "status")).containsExactly("DELIVERED", "BOUNCED", "OPENED");
        assertThat(activityStatuses(recipients.get(0)))
                .containsExactly("ACCEPTED", "QUEUED", "DISPATCHED", "DELIVERED");
        // The provider named the bounced address in lower case: still that recipient's.
        assertThat(activityStatuses(recipients.get(1))).containsExactly("ACCEPTED", "QUEUED", "DISPATCHED", "BOUNCED");
        assertThat(recipients
                        .get(1)
                        .get("activities")
                        .get(3)
                        .get("details")
                        .get("reason")
                        .asString())
                .isEqualTo("550 5.1.1 unknown");
        assertThat(activityStatuses(recipients.get(2)))
                .containsExactly("ACCEPTED", "QUEUED", "DISPATCHED", "DELIVERED", "OPENED");
        // In precedence order.
        assertThat(message.get("recipientCounts").toString()).isEqualTo("{\"DELIVERED\":1,\"OPENED\":1,\"BOUNCED\":1}");
        // The message's own timeline still holds everything.
        assertThat(activityStatuses(message)).hasSize(7);
    }

    @Test
    void anEmailToThreeRecipientsThroughTheSandboxShowsEachOnesOutcome() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String member = "bounced-" + run;
        String id = api.submit(ApiClient.email(
                "ok+" + run + "@example.org",
                "{\"to\":[{\"email\":\"ok+" + run + "@example.org\"}],"
                        + "\"cc\":[{\"email\":\"bounce+" + run + "@example.org\",\"memberId\":\"" + member + "\"}],"
                        + "\"bcc\":[{\"email\":\"open+" + run + "@example.org\"}]}"));

        JsonNode message = Timelines.awaitMessage(
                api, id, m -> texts(m.get("recipients"), "status").equals(List.of("DELIVERED", "BOUNCED", "OPENED")));

        assertThat(message.get("status").asString()).isEqualTo("BOUNCED");
        assertThat(message.get("recipientCounts").toString()).isEqualTo("{\"DELIVERED\":1,\"OPENED\":1,\"BOUNCED\":1}");
        JsonNode bounced = message.get("recipients").get(1);
        assertThat(activityStatuses(bounced))
                .contains("QUEUED", "DISPATCHED", "BOUNCED")
                .doesNotContain("DELIVERED");
        assertThat(activityStatuses(message.get("recipients").get(2))).contains("DELIVERED", "OPENED");
        assertThat(ids("recipientStatus=BOUNCED")).containsExactly(id);
        assertThat(ids("recipientStatus=CLICKED")).isEmpty();
        JsonNode row = api.get("/api/v1/members/" + member).json();
        assertThat(row.get("statuses").toString()).isEqualTo("{\"BOUNCED\":1}");
    }

    @Test
    void theOneRecipientOfAnEmailHasTheEmailsStatusAndTimeline() {
        String id = api.submit(ApiClient.email("open+one@example.org"));
        JsonNode message = awaitStatus(api, id, "OPENED");

        JsonNode recipient = message.get("recipients").get(0);
        assertThat(recipient.get("status").asString()).isEqualTo("OPENED");
        assertThat(activityStatuses(recipient)).isEqualTo(activityStatuses(message));
        assertThat(message.get("recipientCounts").toString()).isEqualTo("{\"OPENED\":1}");
        JsonNode listed =
                api.get("/api/v1/messages?recipientStatus=OPENED").json().get("items");
        assertThat(texts(listed, "id")).containsExactly(id);
        // Lists give each recipient's status, not its activities.
        assertThat(listed.get(0).get("recipients").get(0).get("status").asString())
                .isEqualTo("OPENED");
        assertThat(listed.get(0).get("recipients").get(0).has("activities")).isFalse();
    }

    @Test
    void theListSelectsMessagesHavingARecipientAtOneOfTheStatuses() {
        UUID several = threeRecipients(null, base);
        UUID clicked = oneRecipient("click@example.org", "CLICKED", null, base.plusSeconds(1));

        assertThat(ids("recipientStatus=BOUNCED")).containsExactly(several.toString());
        assertThat(ids("recipientStatus=clicked")).containsExactly(clicked.toString());
        // A recipient DELIVERED in a message whose summary is BOUNCED: found by its own status, not the message's.
        assertThat(ids("recipientStatus=DELIVERED")).containsExactly(several.toString());
        assertThat(ids("status=DELIVERED")).isEmpty();
        assertThat(ids("recipientStatus=OPENED,CLICKED")).containsExactly(clicked.toString(), several.toString());
        assertThat(ids("recipientStatus=OPENED&recipientStatus=CLICKED"))
                .containsExactly(clicked.toString(), several.toString());
        assertThat(ids("recipientStatus=COMPLAINED")).isEmpty();
        // With the other filters.
        assertThat(ids("recipientStatus=DELIVERED&status=BOUNCED")).containsExactly(several.toString());
        assertThat(ids("recipientStatus=CLICKED&status=BOUNCED")).isEmpty();
        assertThat(ids("recipientStatus=OPENED,CLICKED&recipient=click@example.org"))
                .containsExactly(clicked.toString());
        assertThat(ids("recipientStatus=OPENED,CLICKED&until=" + base.plusMillis(500)))
                .containsExactly(several.toString());
    }

    @Test
    void theRecipientStatusFilterPagesFollowTheCursorWithoutGapsOrRepeats() {
        List<String> newestFirst = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            newestFirst.add(0, threeRecipients(null, base.plusSeconds(i)).toString());
            // Between them, messages the filter leaves out.
            oneRecipient(
                    "ok@example.org", "DELIVERED", null, base.plusSeconds(i).plusMillis(500));
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/api/v1/messages?recipientStatus=BOUNCED&limit=2"
                            + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            page.get("items").forEach(item -> seen.add(item.get("id").asString()));
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asString();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(newestFirst);
    }

    @Test
    void anUnknownRecipientStatusIsRefusedNamingTheParameter() {
        Response response = api.get("/api/v1/messages?recipientStatus=BOUNCED,LOST&recipientStatus=GONE&limit=0");

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.contentType()).startsWith("application/problem+json");
        List<String> problems = new ArrayList<>();
        response.json()
                .get("errors")
                .forEach(e -> problems.add(
                        e.get("field").asString() + ": " + e.get("message").asString()));
        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("recipientStatus: unknown status 'LOST'"))
                .anySatisfy(p -> assertThat(p).startsWith("recipientStatus: unknown status 'GONE'"))
                .anySatisfy(p -> assertThat(p).startsWith("limit:"))
                .hasSize(3);
    }

    @Test
    void aMembersCountsUseTheirOwnStatusNotTheEmailsSummary() {
        String member = "ok-" + UUID.randomUUID();
        UUID id = threeRecipients(member, base);

        JsonNode row = api.get("/api/v1/members/" + member).json();

        assertThat(row.get("statuses").toString()).isEqualTo("{\"DELIVERED\":1}");
        assertThat(row.get("lastMessage").get("id").asString()).isEqualTo(id.toString());
        assertThat(row.get("lastMessage").get("status").asString()).isEqualTo("DELIVERED");
    }

    /**
     * An email to ok@ (DELIVERED, member {@code okMember}), Bounce@ (BOUNCED, reported in lower case) and open@
     * (OPENED): its summary is BOUNCED, the most advanced status among them.
     */
    private UUID threeRecipients(String okMember, Instant at) {
        UUID id = message("BOUNCED", 3, at);
        recipient(id, 0, "to", "ok@example.org", okMember, "DELIVERED");
        recipient(id, 1, "cc", "Bounce@Example.org", null, "BOUNCED");
        recipient(id, 2, "bcc", "open@example.org", null, "OPENED");
        activity(id, "ACCEPTED", null, at, null);
        activity(id, "QUEUED", null, at.plusMillis(10), null);
        activity(id, "DISPATCHED", null, at.plusMillis(20), null);
        activity(id, "DELIVERED", "ok@example.org", at.plusMillis(30), null);
        activity(
                id,
                "BOUNCED",
                "bounce@example.org",
                at.plusMillis(31),
                "{\"bounceType\":\"hard\",\"reason\":\"550 5.1.1 unknown\"}");
        activity(id, "DELIVERED", "open@example.org", at.plusMillis(32), null);
        activity(id, "OPENED", "open@example.org", at.plusMillis(40), null);
        return id;
    }

    /** An email of one recipient: its status is the message's alone, the recipient row's stays NULL. */
    private UUID oneRecipient(String email, String status, String member, Instant at) {
        UUID id = message(status, 1, at);
        recipient(id, 0, "to", email, member, null);
        activity(id, "ACCEPTED", null, at, null);
        activity(id, status, email, at.plusMillis(30), null);
        return id;
    }

    private UUID message(String status, int recipients, Instant at) {
        UUID id = UUID.randomUUID();
        Timestamp time = Timestamp.from(at);
        jdbc.update(
                "INSERT INTO messages (id, organization_id, from_email, subject, status, status_rank, recipient_count,"
                        + " submitted_at, created_at, updated_at) VALUES (?, ?, 'app@example.com', 'Hello', ?, ?, ?, ?, ?, ?)",
                id,
                org.id(),
                status,
                MessageStatus.valueOf(status).precedence(),
                recipients,
                time,
                time,
                time);
        if (OutcomeStatuses.kept(status)) {
            // As the operator keeps it (V25): the list filtered by such a status walks this table.
            jdbc.update(
                    "INSERT INTO message_outcomes (message_id, organization_id, status, created_at) VALUES (?, ?, ?, ?)",
                    id,
                    org.id(),
                    status,
                    time);
        }
        jdbc.update("INSERT INTO message_contents (message_id, content) VALUES (?, ?)", id, """
                {"from":{"email":"app@example.com"},"to":[{"email":"x@example.org"}],"subject":"Hello","text":"Hi"}""");
        return id;
    }

    private void recipient(UUID id, int position, String kind, String email, String member, String status) {
        jdbc.update(
                "INSERT INTO message_recipients (message_id, position, kind, email, member_id, status, status_rank,"
                        + " organization_id) VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT organization_id FROM messages WHERE id = ?))",
                id,
                position,
                kind,
                email,
                member,
                status,
                status == null ? null : MessageStatus.valueOf(status).precedence(),
                id);
        if (member != null) {
            // The member list's read model, as the operator keeps it.
            jdbc.update(
                    "INSERT INTO members (organization_id, member_id, last_message_at)"
                            + " SELECT organization_id, ?, created_at FROM messages WHERE id = ? ON CONFLICT DO NOTHING",
                    member,
                    id);
            jdbc.update(
                    "UPDATE members SET last_message_at = (SELECT created_at FROM messages WHERE id = ?)"
                            + " WHERE organization_id = ? AND member_id = ?"
                            + " AND last_message_at < (SELECT created_at FROM messages WHERE id = ?)",
                    id,
                    org.id(),
                    member,
                    id);
        }
    }

    private void activity(UUID id, String status, String recipient, Instant at, String details) {
        jdbc.update(
                "INSERT INTO activities (id, message_id, status, occurred_at, recorded_at, recipient, provider, details)"
                        + " VALUES (?, ?, ?, ?, ?, ?, 'sandbox', ?)",
                UUID.randomUUID(),
                id,
                status,
                Timestamp.from(at),
                Timestamp.from(at),
                recipient,
                details);
    }

    private List<String> ids(String query) {
        Response response = api.get("/api/v1/messages?" + query);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return texts(response.json().get("items"), "id");
    }

    private static List<String> activityStatuses(JsonNode node) {
        return texts(node.get("activities"), "status");
    }

    private static List<String> texts(JsonNode array, String field) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.get(field).asString()));
        return texts;
    }
}
