package dev.mailroom.server.api;

import static dev.mailroom.server.support.Timelines.awaitActivity;
import static dev.mailroom.server.support.Timelines.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.mailroom.contracts.ErasureRequest;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.ApiClient.Response;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import dev.mailroom.server.support.TestSockets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /api/v1/recipients/erase}: one address's personal data leaves every table of the caller's organization
 * (read from {@code information_schema}, so a column added later is searched too), while the counts the organization
 * and its members keep stay as they were; the audit row holds no personal data; the address stays suppressed.
 */
@EndToEndTest
class ErasureApiTest {
    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ConfirmedPublisher publisher;

    ApiClient admin;

    @BeforeEach
    void connect() {
        admin = new ApiClient(port);
    }

    @Test
    void anErasedAddressIsFoundInNoTableAfterwardsWhileTheCountsItMustKeepStayTheSame() throws Exception {
        TestOrganizations.Organization org = TestOrganizations.create(port, "erase-", "send", "read", "admin");
        ApiClient api = admin.as(org.key());
        String tag = tag();
        // The sandbox clicks for click+ addresses: DELIVERED, OPENED and CLICKED with a user agent and a link.
        String address = "click+" + tag + "@example.org";
        String spelledOtherwise = "Click+" + tag + "@Example.ORG";
        String name = "Ada Tester" + tag;
        String otherAddress = "ada.work." + tag + "@example.org";
        String bob = "bob." + tag + "@example.org";
        String member = "member-" + tag;
        String onlyThisAddress = "single-" + tag;

        String toHerOnly = api.submit(
                ApiClient.email(
                        address,
                        "{\"to\":[{\"email\":\"" + spelledOtherwise + "\",\"name\":\"" + name + "\",\"memberId\":\""
                                + member + "\"}],\"subject\":\"Invoice for " + address + "\","
                                + "\"text\":\"Dear " + name + ", your account " + address + "\","
                                + "\"attachments\":[{\"filename\":\"account.txt\",\"contentType\":\"text/plain\","
                                + "\"content\":\"" + base64("Account of " + address) + "\"}]}"),
                "Idempotency-Key",
                "welcome:" + address);
        String toHerAndBob = api.submit(ApiClient.email(
                address,
                "{\"to\":[{\"email\":\"" + address + "\",\"name\":\"" + name + "\",\"memberId\":\"" + member
                        + "\"},{\"email\":\"" + bob + "\",\"name\":\"Bob\"}],\"subject\":\"Hello " + name
                        + " and Bob\",\"text\":\"Hi " + name + " (" + address + ") and Bob\"}"));
        // The same member at another address (under another name): the member stays, with its counts.
        String toHerOtherAddress = api.submit(ApiClient.email(
                otherAddress,
                "{\"to\":[{\"email\":\"" + otherAddress + "\",\"name\":\"A. T.\",\"memberId\":\"" + member + "\"}]}"));
        String toAMemberOfHerOnly = api.submit(ApiClient.email(
                address, "{\"to\":[{\"email\":\"" + address + "\",\"memberId\":\"" + onlyThisAddress + "\"}]}"));
        awaitStatus(api, toHerOnly, "CLICKED");
        awaitStatus(api, toHerAndBob, "CLICKED");
        awaitStatus(api, toHerOtherAddress, "DELIVERED");
        awaitStatus(api, toAMemberOfHerOnly, "CLICKED");
        // What a provider tells about her besides: an IP address, a bounce reply quoting her address.
        postSandboxEvent(
                toHerOnly,
                "opened",
                spelledOtherwise,
                "{\"ip\":\"203.0.113.7\",\"userAgent\":\"Mozilla/5.0 (" + name + "'s phone)\"}");
        postSandboxEvent(
                toHerAndBob,
                "bounced",
                address,
                "{\"bounceType\":\"soft\",\"reason\":\"452 4.2.2 mailbox of <" + address + "> is full\"}");
        awaitActivity(api, toHerOnly, "OPENED");
        awaitMessage(api, toHerAndBob, m -> recipientStatus(m, address).equals("BOUNCED"));
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM soft_bounce_streaks WHERE organization_id = ? AND email = ?",
                        Integer.class,
                        org.id(),
                        address))
                .isEqualTo(1);
        assertThat(api.post("/api/v1/suppressions", "{\"email\":\"" + address + "\",\"note\":\"" + name + " asked\"}")
                        .status())
                .isEqualTo(201);
        // What the other writers keep about her, written here as they would: the member list's read model (kept by
        // the operator as it stores emails), a webhook delivery and its attempt (the notifier's), a dead letter.
        readModel(org.id(), member, List.of(address, name.toLowerCase(Locale.ROOT), otherAddress, "a. t."));
        readModel(org.id(), onlyThisAddress, List.of(address));
        webhookDelivery(org.id(), toHerOnly, address);
        deadLetter("{\"organizationId\":\"" + org.id() + "\",\"email\":{\"to\":[{\"email\":\"" + address + "\"}]}}");

        Map<String, JsonNode> before = figures(api, List.of(toHerOnly, toHerAndBob, toHerOtherAddress));
        JsonNode memberBefore = api.get("/api/v1/members/" + member).json();
        assertThat(mentions(address)).isNotEmpty();

        Response requested = api.post(ErasuresController.ERASE, "{\"email\":\"" + spelledOtherwise + "\"}");

        assertThat(requested.status()).isEqualTo(202);
        String location = requested.headers().get("location").get(0);
        assertThat(requested.json().get("location").asString()).isEqualTo(location);
        assertThat(requested.json().get("state").asString()).isEqualTo("requested");
        JsonNode done = awaitDone(api, location);
        assertThat(mentions(address))
                .as("columns that still mention the address")
                .isEmpty();
        for (String core : base64Cores(address)) {
            assertThat(mentionsExactly(core))
                    .as("columns holding base64 of the address")
                    .isEmpty();
        }
        assertThat(mentions(name)).as("columns that still mention her name").isEmpty();
        assertThat(figures(api, List.of(toHerOnly, toHerAndBob, toHerOtherAddress)))
                .isEqualTo(before);
        JsonNode memberAfter = api.get("/api/v1/members/" + member).json();
        assertThat(memberAfter.get("messages")).isEqualTo(memberBefore.get("messages"));
        assertThat(memberAfter.get("statuses")).isEqualTo(memberBefore.get("statuses"));
        assertThat(memberAfter.get("emails").toString())
                .as("the member's addresses: the erased one gone, and no placeholder in its place")
                .isEqualTo("[\"" + otherAddress + "\"]");
        assertThat(api.get("/api/v1/members/" + onlyThisAddress).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/messages?recipient=" + address).json().get("items"))
                .isEmpty();
        assertThat(recipientStatus(api.message(toHerAndBob), bob)).isEqualTo("DELIVERED");
        assertThat(api.message(toHerAndBob).get("recipients").toString()).contains("Bob");
        Map<String, Integer> counts = counts(done);
        assertThat(counts)
                .containsEntry("messages", 3)
                .containsEntry("message_recipients", 3)
                .containsEntry("message_contents", 3)
                .containsEntry("suppressions", 1)
                .containsEntry("soft_bounce_streaks", 1)
                .containsEntry("idempotency_keys", 1)
                .containsEntry("dead_letters", 1)
                .containsEntry("members", 1)
                .containsEntry("webhook_deliveries", 1)
                .containsEntry("webhook_attempts", 1);
        assertThat(counts.get("activities")).isGreaterThanOrEqualTo(4);
        // Her address and name of the member who keeps another address; the address and the id of the member who
        // had only this one, and goes whole.
        assertThat(counts.get("member_search_terms")).isEqualTo(4);
        assertThat(done.get("requestedBy").asString()).startsWith("mr_");
        theAuditRowHoldsNoHashOf(address, done.get("id").asString());
    }

    @Test
    void theNotifierErasesTheAddressFromItsDeliveriesAndTheirAnswers() throws Exception {
        TestOrganizations.Organization org = TestOrganizations.create(port, "erase-hooks-", "send", "read", "admin");
        ApiClient api = admin.as(org.key());
        String address = "hooked-" + tag() + "@example.org";
        // The organization's endpoint answers with what it was sent: the answer's excerpt holds the address too.
        HttpServer endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        endpoint.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        endpoint.start();
        String endpointId = null;
        try {
            Response created = api.post(
                    "/api/v1/webhook-endpoints",
                    "{\"url\":\"http://127.0.0.1:" + endpoint.getAddress().getPort()
                            + "/hook\",\"eventTypes\":[\"*\"]}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            endpointId = created.json().get("endpoint").get("id").asString();
            // Operators learn of a new endpoint within seconds: probe until one email's events are delivered.
            List<String> probes = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        probes.add(api.submit(ApiClient.email("probe@example.org")));
                        return deliveriesAbout(org.id(), probes) > 0;
                    });
            String id = api.submit(ApiClient.email(address));
            awaitStatus(api, id, "DELIVERED");
            // ACCEPTED, QUEUED, DISPATCHED, DELIVERED: one event each, delivered and logged.
            await().atMost(Duration.ofSeconds(30)).until(() -> deliveriesAbout(org.id(), List.of(id)) == 4);
            assertThat(mentions(address))
                    .contains("webhook_deliveries.payload (4)", "webhook_attempts.response_excerpt (4)");

            JsonNode done = awaitDone(api, erase(api, address));

            assertThat(mentions(address)).isEmpty();
            assertThat(counts(done)).containsEntry("webhook_deliveries", 4).containsEntry("webhook_attempts", 4);
            JsonNode log = api.get("/api/v1/webhook-endpoints/" + endpointId + "/deliveries?limit=200")
                    .json();
            List<String> recipients = new ArrayList<>();
            log.get("items").forEach(d -> {
                if (d.path("payload").path("data").path("messageId").asString().equals(id)) {
                    recipients.add(
                            d.path("payload").path("data").path("recipient").asString());
                }
            });
            assertThat(recipients).hasSize(4).containsOnly(ErasureRequest.ERASED_ADDRESS);
        } finally {
            if (endpointId != null) {
                api.delete("/api/v1/webhook-endpoints/" + endpointId);
            }
            endpoint.stop(0);
        }
    }

    @Test
    void anErasedAddressStaysSuppressedAndIsNotListed() {
        String address = "erased-" + tag() + "@example.org";
        awaitStatus(admin, admin.submit(ApiClient.email(address)), "DELIVERED");

        awaitDone(admin, erase(admin, address));

        String again = admin.submit(ApiClient.email(address.toUpperCase(Locale.ROOT)));
        JsonNode suppressed = awaitStatus(admin, again, "SUPPRESSED");
        JsonNode activity =
                suppressed.get("activities").get(suppressed.get("activities").size() - 1);
        assertThat(activity.get("details").get("reason").asString()).isEqualTo("erased");
        assertThat(admin.get("/api/v1/suppressions/" + address).status()).isEqualTo(404);
    }

    @Test
    void aScheduledEmailToAnErasedAddressIsNeverSent() {
        String address = "later-" + tag() + "@example.org";
        String id = admin.submit(
                ApiClient.email(address, "{\"sendAt\":\"" + Instant.now().plusSeconds(3600) + "\"}"));
        awaitStatus(admin, id, "SCHEDULED");
        awaitDone(admin, erase(admin, address));

        assertThat(admin.patch("/api/v1/messages/" + id, "{\"sendAt\":\"" + Instant.now() + "\"}")
                        .status())
                .isEqualTo(200);

        JsonNode message = awaitStatus(admin, id, "SUPPRESSED");
        assertThat(dev.mailroom.server.support.Timelines.statuses(message)).doesNotContain("QUEUED", "DISPATCHED");
        assertThat(message.get("recipients").get(0).get("email").asString()).isEqualTo(ErasureRequest.ERASED_ADDRESS);
    }

    @Test
    void anotherOrganizationsHistoryOfTheSameAddressIsNotTouched() {
        String address = "shared-" + tag() + "@example.org";
        TestOrganizations.Organization other = TestOrganizations.create(port, "erase-other-", "send", "read", "admin");
        ApiClient theirs = admin.as(other.key());
        String ours = admin.submit(ApiClient.email(address));
        String their = theirs.submit(ApiClient.email(address, "{\"subject\":\"Theirs for " + address + "\"}"));
        awaitStatus(admin, ours, "DELIVERED");
        awaitStatus(theirs, their, "DELIVERED");

        awaitDone(admin, erase(admin, address));

        JsonNode theirMessage = theirs.message(their);
        assertThat(theirMessage.get("recipients").get(0).get("email").asString())
                .isEqualTo(address);
        assertThat(theirMessage.get("subject").asString()).isEqualTo("Theirs for " + address);
        assertThat(admin.message(ours).get("recipients").get(0).get("email").asString())
                .isEqualTo(ErasureRequest.ERASED_ADDRESS);
        assertThat(theirs.get("/api/v1/messages?recipient=" + address).json().get("items"))
                .hasSize(1);
    }

    @Test
    void anAddressTheOrganizationNeverSentToCompletesWithZeroCounts() {
        JsonNode done = awaitDone(admin, erase(admin, "never-" + tag() + "@example.org"));

        assertThat(counts(done).values()).isNotEmpty().allMatch(n -> n == 0);
        assertThat(done.get("completedAt").isNull()).isFalse();
    }

    @Test
    void theRequestDeliveredAgainChangesNothingMoreAndKeepsOneAuditRow() {
        String address = "twice-" + tag() + "@example.org";
        awaitStatus(admin, admin.submit(ApiClient.email(address)), "DELIVERED");
        String location = erase(admin, address);
        JsonNode first = awaitDone(admin, location);
        UUID id = UUID.fromString(first.get("id").asString());

        publisher.publish(new ErasureRequest(
                id,
                "default",
                address,
                first.get("requestedBy").asString(),
                Instant.parse(first.get("requestedAt").asString())));
        // A request published after the repeat is taken after it (or with it): once it is done, so is the repeat.
        awaitDone(admin, erase(admin, "after-" + tag() + "@example.org"));

        assertThat(admin.get(location).json()).isEqualTo(first);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM erasures WHERE id = ?", Integer.class, id))
                .isEqualTo(1);
        JsonNode second = awaitDone(admin, erase(admin, address));
        assertThat(counts(second).values()).allMatch(n -> n == 0);
    }

    @Test
    void anEventOfAnErasedEmailThatComesLaterIsRecordedWithoutTheAddressOrDetails() {
        String address = "late-" + tag() + "@example.org";
        String id = admin.submit(ApiClient.email(address));
        awaitStatus(admin, id, "DELIVERED");
        awaitDone(admin, erase(admin, address));

        postSandboxEvent(id, "opened", address, "{\"ip\":\"198.51.100.23\",\"userAgent\":\"Her phone\"}");

        JsonNode message = awaitStatus(admin, id, "OPENED");
        JsonNode opened =
                message.get("activities").get(message.get("activities").size() - 1);
        assertThat(opened.get("recipient").asString()).isEqualTo(ErasureRequest.ERASED_ADDRESS);
        assertThat(opened.get("details").toString()).doesNotContain("198.51.100.23", "Her phone");
        assertThat(mentions(address)).isEmpty();
    }

    @Test
    void badRequestsNameTheFieldAndChangeNothing() {
        int before = erasuresOf("default");

        assertInvalid(admin.post(ErasuresController.ERASE, "{}"), "email");
        assertInvalid(admin.post(ErasuresController.ERASE, "{\"email\":\"not-an-address\"}"), "email");
        assertInvalid(admin.post(ErasuresController.ERASE, "{\"email\":42}"), "email");
        assertInvalid(
                admin.post(ErasuresController.ERASE, "{\"email\":\"a@example.org\",\"memberId\":\"x\"}"), "memberId");
        Response unreadable = admin.post(ErasuresController.ERASE, "{\"email\":");
        assertThat(unreadable.status()).isEqualTo(400);
        assertThat(unreadable.contentType()).startsWith("application/problem+json");
        Response badLimit = admin.get(ErasuresController.ERASURES + "?limit=0&cursor=nonsense");
        assertThat(badLimit.status()).isEqualTo(422);
        assertThat(fields(badLimit)).containsExactlyInAnyOrder("limit", "cursor");
        assertThat(erasuresOf("default")).isEqualTo(before);
    }

    @Test
    void anErasureIsSeenOnlyByItsOwnOrganization() {
        String location = erase(admin, "mine-" + tag() + "@example.org");
        awaitDone(admin, location);
        ApiClient other =
                admin.as(TestOrganizations.create(port, "erase-peek-", "admin").key());

        Response peek = other.get(location);

        assertThat(peek.status()).isEqualTo(404);
        assertThat(peek.contentType()).startsWith("application/problem+json");
        assertThat(other.get(ErasuresController.ERASURES).json().get("items")).isEmpty();
    }

    @Test
    void erasuresAreListedNewestFirstPageByPage() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "erase-list-", "admin");
        ApiClient api = admin.as(org.key());
        List<String> newestFirst = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String location = erase(api, "list-" + i + "-" + tag() + "@example.org");
            awaitDone(api, location);
            newestFirst.add(0, location.substring(location.lastIndexOf('/') + 1));
        }

        JsonNode first = api.get(ErasuresController.ERASURES + "?limit=2").json();
        JsonNode second = api.get(ErasuresController.ERASURES + "?limit=2&cursor="
                        + first.get("nextCursor").asString())
                .json();

        List<String> seen = new ArrayList<>();
        first.get("items").forEach(i -> seen.add(i.get("id").asString()));
        second.get("items").forEach(i -> seen.add(i.get("id").asString()));
        assertThat(seen).containsExactlyElementsOf(newestFirst);
        assertThat(second.get("nextCursor").isNull()).isTrue();
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static String tag() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String erase(ApiClient api, String address) {
        Response response = api.post(ErasuresController.ERASE, "{\"email\":\"" + address + "\"}");
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        return response.headers().get("location").get(0);
    }

    /** Polls the erasure until it is done; returns its view. */
    private static JsonNode awaitDone(ApiClient api, String location) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Response response = api.get(location);
                    last[0] = response.status() == 200 ? response.json() : null;
                    return last[0] != null && "done".equals(last[0].get("state").asString());
                });
        return last[0];
    }

    private static JsonNode awaitMessage(ApiClient api, String id, java.util.function.Predicate<JsonNode> done) {
        return dev.mailroom.server.support.Timelines.awaitMessage(api, id, done);
    }

    private static String recipientStatus(JsonNode message, String email) {
        for (JsonNode r : message.get("recipients")) {
            if (r.get("email").asString().equalsIgnoreCase(email)) {
                return r.get("status").asString();
            }
        }
        return "";
    }

    private static Map<String, Integer> counts(JsonNode erasure) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        erasure.get("counts")
                .properties()
                .forEach(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }

    /** What an erasure must not change: each email's status, recipient statuses and timeline, and the list. */
    private static Map<String, JsonNode> figures(ApiClient api, List<String> ids) {
        Map<String, JsonNode> figures = new LinkedHashMap<>();
        for (String id : ids) {
            JsonNode m = api.message(id);
            List<String> recipients = new ArrayList<>();
            m.get("recipients").forEach(r -> recipients.add(r.get("status").asString()));
            List<String> timeline = new ArrayList<>();
            m.get("activities")
                    .forEach(a -> timeline.add(a.get("status").asString() + "@"
                            + a.get("occurredAt").asString()));
            figures.put(id + " status", m.get("status"));
            figures.put(id + " recipientCounts", m.get("recipientCounts"));
            figures.put(id + " recipients", ApiClient.JSON.valueToTree(recipients));
            figures.put(id + " timeline", ApiClient.JSON.valueToTree(timeline));
        }
        List<String> listed = new ArrayList<>();
        api.get("/api/v1/messages?limit=200")
                .json()
                .get("items")
                .forEach(i -> listed.add(
                        i.get("id").asString() + ":" + i.get("status").asString()));
        figures.put("list", ApiClient.JSON.valueToTree(listed));
        return figures;
    }

    private void postSandboxEvent(String messageId, String event, String recipient, String detailsJson) {
        byte[] body = ("{\"events\":[{\"id\":\"" + UUID.randomUUID() + "\",\"event\":\"" + event
                        + "\",\"mailroom_id\":\"" + messageId + "\",\"message_id\":\"sandbox-erasure-test\","
                        + "\"recipient\":\"" + recipient + "\",\"timestamp\":\"" + Instant.now() + "\",\"details\":"
                        + detailsJson + "}]}")
                .getBytes(StandardCharsets.UTF_8);
        Response response = admin.postRaw(
                "/webhooks/sandbox",
                body,
                "Content-Type",
                "application/json",
                "X-Mailroom-Signature",
                TestSockets.sandboxSignature(
                        ApiClient.TEST_SANDBOX_SECRET, Instant.now().getEpochSecond(), body));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    /** The member list's read model (V17), as the operator keeps it: written only where it is not there yet. */
    private void readModel(String organizationId, String memberId, List<String> terms) {
        jdbc.update(
                "INSERT INTO members (organization_id, member_id, last_message_at) VALUES (?,?,?) ON CONFLICT DO NOTHING",
                organizationId,
                memberId,
                Timestamp.from(Instant.now()));
        for (String term : terms) {
            jdbc.update(
                    "INSERT INTO member_search_terms (organization_id, member_id, term) VALUES (?,?,?)"
                            + " ON CONFLICT DO NOTHING",
                    organizationId,
                    memberId,
                    term);
        }
    }

    /** A delivery of an event about her to the organization's endpoint, answered with her address echoed. */
    private void webhookDelivery(String organizationId, String messageId, String address) {
        UUID delivery = UUID.randomUUID();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update(
                "INSERT INTO webhook_deliveries (id, endpoint_id, organization_id, event_id, event_type, payload,"
                        + " occurred_at, state, attempts, last_attempt_at, last_status, created_at, updated_at)"
                        + " VALUES (?,?,?,?,?,?,?,'delivered',1,?,200,?,?)",
                delivery,
                UUID.randomUUID(),
                organizationId,
                "msg_" + delivery.toString().replace("-", ""),
                "email.opened",
                "{\"type\":\"email.opened\",\"timestamp\":\"" + Instant.now() + "\",\"data\":{\"messageId\":\""
                        + messageId + "\",\"recipient\":\"" + address + "\",\"memberId\":\"m\",\"status\":\"OPENED\","
                        + "\"details\":{\"ip\":\"203.0.113.7\"}}}",
                now,
                now,
                now,
                now);
        jdbc.update(
                "INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, latency_ms,"
                        + " response_excerpt) VALUES (?,1,?,200,5,?)",
                delivery,
                now,
                "{\"received\":\"" + address + "\"}");
    }

    /** Webhook deliveries, delivered and logged with their attempt, of events about these emails. */
    private int deliveriesAbout(String organizationId, List<String> messageIds) {
        int n = 0;
        for (String id : messageIds) {
            n += jdbc.queryForObject(
                    "SELECT COUNT(*) FROM webhook_deliveries d WHERE d.organization_id = ? AND d.payload LIKE ?"
                            + " AND d.state = 'delivered' AND EXISTS (SELECT 1 FROM webhook_attempts a"
                            + " WHERE a.delivery_id = d.id)",
                    Integer.class,
                    organizationId,
                    "%" + id + "%");
        }
        return n;
    }

    private void deadLetter(String json) {
        jdbc.update(
                "INSERT INTO dead_letters (id, queue, message_type, message_id, reason, body_base64, created_at)"
                        + " VALUES (?,'mailroom.mailbox','mailroom.mailbox.submit.v1',?,'test: refused',?,?)",
                UUID.randomUUID(),
                UUID.randomUUID().toString(),
                base64(json),
                Timestamp.from(Instant.now()));
    }

    /** Every text column of every table (as the schema is now) that holds {@code text}, ignoring case. */
    private List<String> mentions(String text) {
        return search(text.toLowerCase(Locale.ROOT), true);
    }

    /** The same, matching case (base64). */
    private List<String> mentionsExactly(String text) {
        return search(text, false);
    }

    private List<String> search(String text, boolean ignoringCase) {
        List<String> found = new ArrayList<>();
        String pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        jdbc.query(
                "SELECT table_name, column_name, data_type FROM information_schema.columns"
                        + " WHERE table_schema = CURRENT_SCHEMA ORDER BY table_name, column_name",
                rs -> {
                    String type = rs.getString("data_type").toLowerCase(Locale.ROOT);
                    if (type.contains("char") || type.contains("text") || type.contains("clob")) {
                        String table = rs.getString("table_name");
                        String column = rs.getString("column_name");
                        String value = ignoringCase ? "LOWER(" + column + ")" : column;
                        Integer n = jdbc.queryForObject(
                                "SELECT COUNT(*) FROM " + table + " WHERE " + value + " LIKE ? ESCAPE '\\'",
                                Integer.class,
                                pattern);
                        if (n != null && n > 0) {
                            found.add(table + "." + column + " (" + n + ")");
                        }
                    }
                });
        // Base64 in the tables that hold it, decoded: the dead letters' bodies.
        jdbc.queryForList("SELECT body_base64 FROM dead_letters", String.class).forEach(b -> {
            String decoded = new String(Base64.getDecoder().decode(b), StandardCharsets.UTF_8);
            if (ignoringCase ? decoded.toLowerCase(Locale.ROOT).contains(text) : decoded.contains(text)) {
                found.add("dead_letters.body_base64 (decoded)");
            }
        });
        return found;
    }

    /**
     * What every base64 spelling of the address contains, whatever its offset in the encoded bytes: for each of the
     * three alignments, the characters that depend on the address's bytes alone.
     */
    private static List<String> base64Cores(String address) {
        List<String> cores = new ArrayList<>();
        byte[] bytes = address.getBytes(StandardCharsets.UTF_8);
        for (int offset = 0; offset < 3; offset++) {
            byte[] shifted = new byte[offset + bytes.length];
            System.arraycopy(bytes, 0, shifted, offset, bytes.length);
            String encoded = Base64.getEncoder().withoutPadding().encodeToString(shifted);
            int skip = offset == 0 ? 0 : 4;
            int end = encoded.length() - 4;
            cores.add(encoded.substring(skip, Math.max(skip, end)));
        }
        return cores;
    }

    private void theAuditRowHoldsNoHashOf(String address, String id) throws Exception {
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM erasures WHERE id = ?", UUID.fromString(id));
        String audit = row.values().toString().toLowerCase(Locale.ROOT);
        String sha256 = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(address.getBytes(StandardCharsets.UTF_8)));
        assertThat(audit).doesNotContain(address, sha256);
        for (String hash : jdbc.queryForList("SELECT address_hash FROM erased_addresses", String.class)) {
            assertThat(audit).doesNotContain(hash);
        }
    }

    private int erasuresOf(String organizationId) {
        return jdbc.queryForObject(
                "SELECT COUNT(*) FROM erasures WHERE organization_id = ?", Integer.class, organizationId);
    }

    private static void assertInvalid(Response response, String field) {
        assertThat(response.status()).as(response.body()).isEqualTo(422);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(fields(response)).contains(field);
    }

    private static List<String> fields(Response response) {
        List<String> fields = new ArrayList<>();
        response.json().get("errors").forEach(e -> fields.add(e.get("field").asString()));
        return fields;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
