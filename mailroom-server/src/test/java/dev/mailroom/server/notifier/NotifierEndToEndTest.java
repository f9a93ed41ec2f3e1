package dev.mailroom.server.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.mailroom.server.notifier.WebhookReceiver.Received;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EndToEndTest;
import dev.mailroom.server.support.TestOrganizations;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The notifier end to end: emails through the sandbox, their events delivered to customer endpoints (JDK HTTP servers
 * on loopback), each signature checked by a verifier written from the specification and proven on its test vector.
 * Endpoints and secrets are inserted directly (the endpoints API is another part of the issue); each test has an
 * organization of its own.
 */
@EndToEndTest
class NotifierEndToEndTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    private final List<WebhookReceiver> receivers = new ArrayList<>();
    private final List<UUID> endpoints = new ArrayList<>();

    @AfterEach
    void disableEndpointsAndStopReceivers() {
        // So that their retries stop: the loop takes only enabled endpoints' deliveries.
        endpoints.forEach(id -> jdbc.update("UPDATE webhook_endpoints SET enabled = FALSE WHERE id = ?", id));
        receivers.forEach(WebhookReceiver::close);
    }

    @Test
    void theIndependentVerifierAcceptsTheSpecificationsTestVectorAndNothingElse() {
        byte[] body = WebhookSignerTest.SPEC_BODY.getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(WebhookSignerTest.SPEC_TIMESTAMP);

        assertThat(StandardWebhooksVerifier.verifies(
                        WebhookSignerTest.SPEC_SECRET,
                        WebhookSignerTest.SPEC_ID,
                        ts,
                        body,
                        WebhookSignerTest.SPEC_SIGNATURE))
                .isTrue();
        assertThat(StandardWebhooksVerifier.verifies(
                        WebhookSignerTest.SPEC_SECRET,
                        WebhookSignerTest.SPEC_ID,
                        ts,
                        "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8),
                        WebhookSignerTest.SPEC_SIGNATURE))
                .isFalse();
        assertThat(StandardWebhooksVerifier.verifies(
                        WebhookSignerTest.SPEC_SECRET,
                        WebhookSignerTest.SPEC_ID,
                        "1614265331",
                        body,
                        WebhookSignerTest.SPEC_SIGNATURE))
                .isFalse();
    }

    @Test
    void anEndpointSubscribedToEverythingReceivesEveryEventOfAnEmailPerRecipientSigned() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "notify-all-", "send", "read");
        WebhookReceiver receiver = receiver();
        String secret = newSecret();
        UUID endpoint = endpoint(org.id(), receiver.url(), "*", secret);
        ApiClient api = new ApiClient(port).as(org.key());
        awaitSubscribed(api, receiver);

        String messageId = api.submit(twoRecipients("ada@example.org", "m-ada", "open-bob@example.org", "m-bob"));

        Set<String> expected = Set.of(
                "ada@example.org email.accepted",
                "ada@example.org email.queued",
                "ada@example.org email.dispatched",
                "ada@example.org email.delivered",
                "open-bob@example.org email.accepted",
                "open-bob@example.org email.queued",
                "open-bob@example.org email.dispatched",
                "open-bob@example.org email.delivered",
                "open-bob@example.org email.opened");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(receiver.about(messageId).stream()
                                .map(r -> r.recipient() + " " + r.type())
                                .collect(Collectors.toSet()))
                        .containsAll(expected));

        for (Received r : receiver.about(messageId)) {
            assertThat(StandardWebhooksVerifier.verifies(secret, r.id(), r.timestamp(), r.body(), r.signature()))
                    .as("signature of %s", WebhookReceiver.text(r))
                    .isTrue();
            assertThat(StandardWebhooksVerifier.verifies(newSecret(), r.id(), r.timestamp(), r.body(), r.signature()))
                    .isFalse();
            assertThat(r.id()).matches("msg_[0-9a-f]{32}");
            assertThat(Long.parseLong(r.timestamp())).isCloseTo(Instant.now().getEpochSecond(), Offset.offset(60L));
            assertThat(r.contentType()).startsWith("application/json");
            assertThat(r.userAgent()).isEqualTo("Mailroom");
            assertThat(r.json().path("timestamp").asString()).isNotBlank();
            assertThat(r.json().path("data").path("status").asString())
                    .isEqualTo(r.type().substring("email.".length()).toUpperCase(java.util.Locale.ROOT));
            assertThat(r.json().path("data").path("occurredAt").asString()).isNotBlank();
            assertThat(r.json().path("data").path("memberId").asString())
                    .isEqualTo(r.recipient().equals("ada@example.org") ? "m-ada" : "m-bob");
        }
        // Each event once: one webhook-id per (recipient, event), answered 2xx once.
        Map<String, Long> perId = receiver.about(messageId).stream()
                .filter(Received::delivered)
                .collect(Collectors.groupingBy(Received::id, Collectors.counting()));
        assertThat(perId.values()).allMatch(n -> n == 1);
        // The log says delivered for every one.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(jdbc.queryForList(
                                "SELECT state FROM webhook_deliveries WHERE endpoint_id = ? AND event_id IN ("
                                        + perId.keySet().stream()
                                                .map(id -> "'" + id + "'")
                                                .collect(Collectors.joining(","))
                                        + ")",
                                String.class,
                                endpoint))
                        .hasSize(perId.size())
                        .containsOnly("delivered"));
    }

    @Test
    void suppressionsAndCancelsAreNotifiedWithTheStatusChangesThatCausedThem() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "notify-more-", "send", "read", "admin");
        WebhookReceiver receiver = receiver();
        endpoint(org.id(), receiver.url(), "*", newSecret());
        ApiClient api = new ApiClient(port).as(org.key());
        awaitSubscribed(api, receiver);
        String address = "bounce+" + UUID.randomUUID().toString().substring(0, 8) + "@example.org";

        String bounced = api.submit(ApiClient.email(address));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> typesAbout(receiver, bounced).contains("email.bounced"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> suppressionEvents(receiver, address).contains("suppression.created"));
        Received created = receiver.received().stream()
                .filter(r -> r.type().equals("suppression.created")
                        && address.equals(r.json().path("data").path("email").asString()))
                .findFirst()
                .orElseThrow();
        assertThat(created.json().path("data").path("reason").asString()).isEqualTo("hard-bounce");

        String suppressed = api.submit(ApiClient.email(address));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> typesAbout(receiver, suppressed).contains("email.suppressed"));
        assertThat(typesAbout(receiver, suppressed)).doesNotContain("email.queued", "email.dispatched");

        String scheduled = api.submit(ApiClient.email(
                "later@example.org", "{\"sendAt\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"}"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> typesAbout(receiver, scheduled).contains("email.scheduled"));
        assertThat(api.post("/api/v1/messages/" + scheduled + "/cancel", "").status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> typesAbout(receiver, scheduled).contains("email.canceled"));

        assertThat(api.delete("/api/v1/suppressions/" + address).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> suppressionEvents(receiver, address).contains("suppression.deleted"));
    }

    private static Set<String> typesAbout(WebhookReceiver receiver, String messageId) {
        return receiver.about(messageId).stream().map(Received::type).collect(Collectors.toSet());
    }

    private static Set<String> suppressionEvents(WebhookReceiver receiver, String email) {
        return receiver.received().stream()
                .filter(r -> r.type().startsWith("suppression.")
                        && email.equals(r.json().path("data").path("email").asString()))
                .map(Received::type)
                .collect(Collectors.toSet());
    }

    @Test
    void duringARotationBothSecretsSignAndEitherVerifies() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "notify-rot-", "send", "read");
        WebhookReceiver receiver = receiver();
        String old = newSecret();
        String current = newSecret();
        UUID endpoint = endpoint(org.id(), receiver.url(), "email.delivered", old);
        // Rotated: the old secret in its grace period, the new one without an end.
        jdbc.update(
                "UPDATE webhook_secrets SET expires_at = ? WHERE endpoint_id = ? AND expires_at IS NULL",
                Timestamp.from(Instant.now().plus(Duration.ofHours(1))),
                endpoint);
        secret(endpoint, current, null);
        // And a secret whose grace is over: it signs nothing.
        String expired = newSecret();
        secret(endpoint, expired, Instant.now().minus(Duration.ofMinutes(1)));
        ApiClient api = new ApiClient(port).as(org.key());
        awaitSubscribed(api, receiver);

        String messageId = api.submit(ApiClient.email("rotating@example.org"));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !receiver.about(messageId).isEmpty());
        Received r = receiver.about(messageId).get(0);
        assertThat(r.type()).as("subscribed to email.delivered only").isEqualTo("email.delivered");
        assertThat(r.signature().split(" ")).hasSize(2);
        assertThat(StandardWebhooksVerifier.verifies(old, r.id(), r.timestamp(), r.body(), r.signature()))
                .isTrue();
        assertThat(StandardWebhooksVerifier.verifies(current, r.id(), r.timestamp(), r.body(), r.signature()))
                .isTrue();
        assertThat(StandardWebhooksVerifier.verifies(expired, r.id(), r.timestamp(), r.body(), r.signature()))
                .isFalse();
    }

    @Test
    void anEndpointThatFailsForAWhileGetsEveryEventOnceItRecoversUnderTheSameIds() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "notify-fail-", "send", "read");
        WebhookReceiver receiver = receiver();
        String secret = newSecret();
        UUID endpoint = endpoint(org.id(), receiver.url(), "*", secret);
        ApiClient api = new ApiClient(port).as(org.key());
        awaitSubscribed(api, receiver);

        // 500s first.
        receiver.answer(r -> 500);
        String messageId = api.submit(ApiClient.email("flaky@example.org"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> receiver.about(messageId).stream()
                                .filter(r -> r.answered() != null && r.answered() == 500)
                                .count()
                        >= 6);
        // Then a timeout: no answer within the attempt's time.
        CountDownLatch hung = new CountDownLatch(1);
        receiver.answer(r -> {
            hung.countDown();
            sleep(Duration.ofSeconds(4));
            return 204;
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> hung.getCount() == 0);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> attemptErrors(endpoint).stream().anyMatch(e -> e.contains("timed out")));
        // Then nobody listening at all.
        receiver.stop();
        int before = attemptErrors(endpoint).size();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> attemptErrors(endpoint).stream().skip(before).anyMatch(e -> !e.contains("timed out")));
        // And back.
        receiver.answer(r -> 204);
        receiver.restart();

        Set<String> expected = Set.of("email.accepted", "email.queued", "email.dispatched", "email.delivered");
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(receiver.about(messageId).stream()
                                .filter(Received::delivered)
                                .map(Received::type)
                                .collect(Collectors.toSet()))
                        .containsAll(expected));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.queryForObject(
                                "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ? AND state <> 'delivered'",
                                Integer.class,
                                endpoint)
                        == 0);

        List<Received> all = receiver.about(messageId);
        // No event answered 2xx twice; every signature good; each id's body the same on every attempt.
        Map<String, List<Received>> byId = all.stream().collect(Collectors.groupingBy(Received::id));
        assertThat(byId).hasSize(expected.size());
        byId.forEach((id, attempts) -> {
            assertThat(attempts.stream().filter(Received::delivered)).as(id).hasSize(1);
            assertThat(attempts.stream().map(WebhookReceiver::text).distinct())
                    .as("the same body on every attempt of " + id)
                    .hasSize(1);
            attempts.forEach(r -> assertThat(
                            StandardWebhooksVerifier.verifies(secret, r.id(), r.timestamp(), r.body(), r.signature()))
                    .isTrue());
        });
        assertThat(byId.values()).anyMatch(attempts -> attempts.size() >= 3);

        // Back-off in the log: each retry waited at least half its step of the schedule after the attempt before it.
        List<Duration> schedule = List.of(Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));
        UUID mostTried = jdbc.queryForObject(
                "SELECT id FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY attempts DESC LIMIT 1",
                UUID.class,
                endpoint);
        List<Instant> times = jdbc.query(
                "SELECT attempted_at FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt",
                (rs, n) -> rs.getObject(1, OffsetDateTime.class).toInstant(),
                mostTried);
        assertThat(times).hasSizeGreaterThanOrEqualTo(4);
        for (int i = 1; i < Math.min(times.size(), 4); i++) {
            assertThat(Duration.between(times.get(i - 1), times.get(i)))
                    .as("wait before attempt %d", i + 1)
                    .isGreaterThanOrEqualTo(schedule.get(i - 1).dividedBy(2));
        }
        List<Integer> statuses = jdbc.query(
                "SELECT status_code FROM webhook_attempts WHERE delivery_id = ? ORDER BY attempt",
                (rs, n) -> (Integer) rs.getObject(1),
                mostTried);
        assertThat(statuses).startsWith(500).endsWith(204);
    }

    @Test
    void aSlowEndpointDoesNotDelayAnotherEndpointsDeliveries() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "notify-slow-", "send", "read");
        WebhookReceiver fast = receiver();
        WebhookReceiver slow = receiver();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger slowAnswered = new AtomicInteger();
        slow.answer(r -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            slowAnswered.incrementAndGet();
            return 204;
        });
        endpoint(org.id(), fast.url(), "*", newSecret());
        endpoint(org.id(), slow.url(), "*", newSecret());
        ApiClient api = new ApiClient(port).as(org.key());
        awaitSubscribed(api, fast);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(api.submit(ApiClient.email("both-" + i + "@example.org")));
        }

        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                for (String id : ids) {
                    assertThat(fast.about(id).stream()
                                    .filter(Received::delivered)
                                    .map(Received::type)
                                    .collect(Collectors.toSet()))
                            .contains("email.accepted", "email.queued", "email.dispatched", "email.delivered");
                }
            });
            assertThat(slowAnswered)
                    .as("the slow endpoint has answered nothing yet")
                    .hasValue(0);
        } finally {
            release.countDown();
        }
    }

    @Test
    void anEndpointFailingForLongerThanTheLimitIsDisabledWithTheReasonAndItsDeliveriesStay() {
        TestOrganizations.Organization org = TestOrganizations.create(port, "notify-off-", "send", "read");
        WebhookReceiver receiver = receiver();
        UUID endpoint = endpoint(org.id(), receiver.url(), "*", newSecret());
        ApiClient api = new ApiClient(port).as(org.key());
        // Its history: 25 failed attempts, the first six days ago (mailroom.notifier.disable-after is P5D, 20
        // failures).
        UUID old = UUID.randomUUID();
        Instant sixDaysAgo = Instant.now().minus(Duration.ofDays(6));
        jdbc.update(
                "INSERT INTO webhook_deliveries (id, endpoint_id, organization_id, event_id, event_type, payload,"
                        + " occurred_at, state, attempts, created_at, updated_at)"
                        + " VALUES (?,?,?,?,'email.delivered','{}',?,'failed',25,?,?)",
                old,
                endpoint,
                org.id(),
                "msg_" + old.toString().replace("-", ""),
                Timestamp.from(sixDaysAgo),
                Timestamp.from(sixDaysAgo),
                Timestamp.from(sixDaysAgo));
        for (int i = 1; i <= 25; i++) {
            jdbc.update(
                    "INSERT INTO webhook_attempts (delivery_id, attempt, attempted_at, status_code, latency_ms, error)"
                            + " VALUES (?,?,?,NULL,5,'ConnectException: Connection refused')",
                    old,
                    i,
                    Timestamp.from(sixDaysAgo.plus(Duration.ofHours(i))));
        }

        // And it still fails (never a success since).
        receiver.answer(r -> 503);
        awaitSubscribed(api, receiver);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.queryForObject(
                                "SELECT enabled FROM webhook_endpoints WHERE id = ?", Boolean.class, endpoint)
                        .equals(Boolean.FALSE));
        String reason = jdbc.queryForObject(
                "SELECT disabled_reason FROM webhook_endpoints WHERE id = ?", String.class, endpoint);
        assertThat(reason).startsWith("failing since ").contains("last error HTTP 503");
        assertThat(jdbc.queryForObject(
                        "SELECT disabled_at FROM webhook_endpoints WHERE id = ?", Timestamp.class, endpoint))
                .isNotNull();
        // What it could not deliver stays, pending, for a replay.
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ? AND state = 'pending'",
                        Integer.class,
                        endpoint))
                .isPositive();
    }

    // --- helpers

    private WebhookReceiver receiver() {
        WebhookReceiver r = new WebhookReceiver();
        receivers.add(r);
        return r;
    }

    /**
     * The operator learns which organizations have endpoints within mailroom.accounts.key-recheck: probe emails are
     * sent until the endpoint hears of one.
     */
    private void awaitSubscribed(ApiClient api, WebhookReceiver receiver) {
        List<String> probes = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    probes.add(api.submit(ApiClient.email("probe@example.org")));
                    return probes.stream().anyMatch(p -> !receiver.about(p).isEmpty());
                });
    }

    private UUID endpoint(String organization, String url, String types, String secret) {
        UUID id = UUID.randomUUID();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.update(
                "INSERT INTO webhook_endpoints (id, organization_id, url, description, event_types, enabled, created_at,"
                        + " updated_at) VALUES (?,?,?,?,?,TRUE,?,?)",
                id,
                organization,
                url,
                "test endpoint",
                types,
                now,
                now);
        secret(id, secret, null);
        endpoints.add(id);
        return id;
    }

    private void secret(UUID endpoint, String secret, Instant expiresAt) {
        jdbc.update(
                "INSERT INTO webhook_secrets (id, endpoint_id, secret, created_at, expires_at) VALUES (?,?,?,?,?)",
                UUID.randomUUID(),
                endpoint,
                secret,
                Timestamp.from(Instant.now()),
                expiresAt == null ? null : OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
    }

    private List<String> attemptErrors(UUID endpoint) {
        return jdbc.queryForList(
                "SELECT a.error FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id"
                        + " WHERE d.endpoint_id = ? AND a.error IS NOT NULL ORDER BY a.attempted_at",
                String.class,
                endpoint);
    }

    private static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    private static String twoRecipients(String first, String firstMember, String second, String secondMember) {
        return "{\"from\":{\"email\":\"app@example.com\"},\"to\":[{\"email\":\"" + first + "\",\"memberId\":\""
                + firstMember + "\"}],\"cc\":[{\"email\":\"" + second + "\",\"memberId\":\"" + secondMember
                + "\"}],\"subject\":\"Hello\",\"text\":\"Hello from the tests\"}";
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
