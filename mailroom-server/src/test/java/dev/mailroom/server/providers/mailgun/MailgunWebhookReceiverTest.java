package dev.mailroom.server.providers.mailgun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mailgun's JSON webhooks, in the shapes of Mailgun's documentation and django-anymail's recorded
 * payloads, and what each becomes. Signatures are made here with javax.crypto directly, not with
 * the production helper.
 */
class MailgunWebhookReceiverTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String KEY = "mailgun-signing-key";
    private static final UUID OURS = UUID.fromString("6a1e3c2b-8d4f-4e5a-9b6c-7d8e9f0a1b2c");
    private static final MailroomProperties MAILROOM = new MailroomProperties(
            null,
            Path.of("mailroom-data"),
            new MailroomProperties.Api(null),
            new MailroomProperties.Webhooks(Duration.ofMinutes(5), 5_242_880),
            new MailroomProperties.Operator(200, 2, 5, Duration.ofSeconds(2), Duration.ofSeconds(1)),
            new MailroomProperties.Dispatcher(50, 2, 32));

    private final MailgunWebhookReceiver receiver = new MailgunWebhookReceiver(
            new MailgunProperties(null, null, null, KEY), MAILROOM, Clock.fixed(NOW, ZoneOffset.UTC));

    static String hmac(String key, String timestamp, String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + token).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A webhook body as Mailgun posts it, signed now with a fresh 50-character token. */
    static String signed(String key, long timestamp, String token, String eventData) {
        return "{\"signature\": {\"timestamp\": \"" + timestamp + "\", \"token\": \"" + token + "\", \"signature\": \""
                + hmac(key, Long.toString(timestamp), token) + "\"}, \"event-data\": " + eventData + "}";
    }

    private static String token() {
        return (UUID.randomUUID().toString() + UUID.randomUUID())
                .replace("-", "")
                .substring(0, 50);
    }

    private static WebhookRequest request(String body) {
        return new WebhookRequest(
                body.getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", List.of("application/json")));
    }

    private ActivityReport receive(String eventData) {
        List<ActivityReport> reports =
                receiver.receive(request(signed(KEY, NOW.getEpochSecond() - 3, token(), eventData)));
        assertThat(reports).hasSize(1);
        return reports.get(0);
    }

    private static int refusal(Runnable call) {
        try {
            call.run();
        } catch (WebhookRejectedException e) {
            return e.status();
        }
        throw new AssertionError("expected the call to be refused");
    }

    private static String failed(String severity, String reason, int code, String message) {
        return """
                {"event": "failed", "id": "failed-%s-%s", "severity": "%s", "reason": "%s", "recipient": "invalid@example.com",
                 "timestamp": 1534110422.389832, "log-level": "error",
                 "user-variables": {"mailroom_id": "%s"},
                 "message": {"headers": {"to": "invalid@example.com", "message-id": "20180812214658.1.0DF563D0B3597700@example.org",
                                         "from": "Test Sender <sender@example.org>"}},
                 "delivery-status": {"tls": true, "mx-host": "aspmx.l.example.org", "attempt-no": 1, "description": "",
                                     "session-seconds": 2.952177047729492, "retry-seconds": 1800, "code": %d, "message": "%s"}}""".formatted(severity, reason, severity, reason, OURS, code, message);
    }

    @Test
    void aDeliveredEventIsDeliveredWithTheReceivingServersAnswer() {
        ActivityReport report = receive("""
                {"tags": ["welcome"], "timestamp": 1534108637.153125,
                 "storage": {"url": "https://sw.api.mailgun.net/v3/domains/example.org/messages/eyJwI...", "key": "eyJwI..."},
                 "recipient-domain": "example.com", "id": "hTWCTD81RtiDN-...", "campaigns": [],
                 "user-variables": {"mailroom_id": "%s", "plan": "pro"},
                 "flags": {"is-routed": false, "is-authenticated": true, "is-system-test": false, "is-test-mode": false},
                 "log-level": "info",
                 "envelope": {"sending-ip": "333.123.123.200", "sender": "test@example.org", "transport": "smtp", "targets": "recipient@example.com"},
                 "message": {"headers": {"to": "recipient@example.com", "message-id": "20180812211713.1.DF5966851B4BAA99@example.org",
                                         "from": "test@example.org", "subject": "Testing"}, "attachments": [], "size": 809},
                 "recipient": "recipient@example.com", "event": "delivered",
                 "delivery-status": {"tls": true, "mx-host": "smtp-in.example.com", "attempt-no": 1, "description": "",
                                     "session-seconds": 3.5700838565826416, "utf8": true, "code": 250, "message": "OK",
                                     "certificate-verified": true}}""".formatted(OURS));

        assertThat(report.status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(report.messageId()).isEqualTo(OURS);
        assertThat(report.providerMessageId()).isEqualTo("20180812211713.1.DF5966851B4BAA99@example.org");
        assertThat(report.provider()).isEqualTo("mailgun");
        assertThat(report.providerEvent()).isEqualTo("delivered");
        assertThat(report.recipient()).isEqualTo("recipient@example.com");
        assertThat(report.occurredAt()).isEqualTo(Instant.parse("2018-08-12T21:17:17.153125Z"));
        assertThat(report.details())
                .containsOnly(
                        entry("smtpCode", 250),
                        entry("smtpResponse", "OK"),
                        entry("mxHost", "smtp-in.example.com"),
                        entry("attempt", 1),
                        entry("tls", true),
                        entry("tags", List.of("welcome")));
    }

    @Test
    void anEventWithoutOurVariableIsLeftForMatchingByMailgunsMessageId() {
        ActivityReport report = receive("""
                {"event": "opened", "id": "op-1", "timestamp": 1534109600.089676, "recipient": "recipient@example.com",
                 "tags": ["welcome", "variation-A"], "user-variables": {"cohort": "2018-08-B"},
                 "message": {"headers": {"message-id": "20180812213139.1.BC6694A917BB7E6A@example.org"}},
                 "geolocation": {"country": "US", "region": "CA", "city": "San Francisco"}, "ip": "888.222.444.111",
                 "client-info": {"client-type": "browser", "client-os": "OS X", "device-type": "desktop", "client-name": "Chrome",
                                 "user-agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6)..."}}""");

        assertThat(report.messageId()).isNull();
        assertThat(report.providerMessageId()).isEqualTo("20180812213139.1.BC6694A917BB7E6A@example.org");
        assertThat(report.status()).isEqualTo(MessageStatus.OPENED);
        assertThat(report.occurredAt()).isEqualTo(Instant.parse("2018-08-12T21:33:20.089676Z"));
        assertThat(report.details())
                .contains(
                        entry("userAgent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6)..."),
                        entry("clientName", "Chrome"),
                        entry("clientType", "browser"),
                        entry("clientOs", "OS X"),
                        entry("deviceType", "desktop"),
                        entry("ip", "888.222.444.111"),
                        entry("country", "US"),
                        entry("city", "San Francisco"),
                        entry("tags", List.of("welcome", "variation-A")));
    }

    @Test
    void acceptedIsDispatched() {
        ActivityReport report = receive("""
                {"event": "accepted", "id": "acc-1", "timestamp": 1377211256.096436, "method": "http", "recipient": "baz@example.com",
                 "user-variables": {"mailroom_id": "%s"}, "envelope": {"sender": "me@samples.mailgun.org", "transport": ""},
                 "message": {"headers": {"to": "foo@example.com", "message-id": "20130812164300.28108.52546@samples.mailgun.org",
                                         "from": "Excited User <me@samples.mailgun.org>", "subject": "Hello"}}}""".formatted(OURS));

        assertThat(report.status()).isEqualTo(MessageStatus.DISPATCHED);
        assertThat(report.providerMessageId()).isEqualTo("20130812164300.28108.52546@samples.mailgun.org");
        assertThat(report.details()).containsEntry("method", "http");
    }

    @Test
    void rejectedIsDroppedWithMailgunsReason() {
        ActivityReport report = receive("""
                {"event": "rejected", "timestamp": 1529704976.104692, "log-level": "warn",
                 "reject": {"reason": "Sandbox subdomains are for test purposes only.", "description": ""},
                 "message": {"headers": {"to": "Recipient Name <recipient@example.org>",
                                         "message-id": "20180622220256.1.B31A451A2E5422BB@sandbox55887.mailgun.org",
                                         "from": "test@sandbox55887.mailgun.org", "subject": "Test Subject"}}}""");

        assertThat(report.status()).isEqualTo(MessageStatus.DROPPED);
        assertThat(report.details())
                .contains(
                        entry("reason", "Sandbox subdomains are for test purposes only."),
                        entry("to", "Recipient Name <recipient@example.org>"));
    }

    @Test
    void aTemporaryFailureIsDeferredUntilMailgunRetries() {
        ActivityReport report = receive(failed("temporary", "generic", 498, "No MX for nomx.example.com"));

        assertThat(report.status()).isEqualTo(MessageStatus.DEFERRED);
        assertThat(report.details())
                .contains(
                        entry("severity", "temporary"),
                        entry("failureReason", "generic"),
                        entry("reason", "No MX for nomx.example.com"),
                        entry("smtpCode", 498),
                        entry("retrySeconds", 1800L));
    }

    @Test
    void aPermanentBounceIsBouncedHard() {
        ActivityReport report = receive(
                failed("permanent", "bounce", 550, "5.1.1 The email account that you tried to reach does not exist."));

        assertThat(report.status()).isEqualTo(MessageStatus.BOUNCED);
        assertThat(report.messageId()).isEqualTo(OURS);
        assertThat(report.recipient()).isEqualTo("invalid@example.com");
        assertThat(report.details())
                .contains(
                        entry("bounceType", "hard"),
                        entry("failureReason", "bounce"),
                        entry("reason", "5.1.1 The email account that you tried to reach does not exist."),
                        entry("smtpCode", 550),
                        entry("mxHost", "aspmx.l.example.org"));
    }

    @ParameterizedTest(name = "permanent {0} -> {1}")
    @CsvSource({
        "suppress-bounce, DROPPED, suppressed, bounce",
        "suppress-unsubscribe, DROPPED, suppressed, unsubscribe",
        "suppress-complaint, DROPPED, suppressed, complaint",
        "old, BOUNCED, bounceType, soft",
        "espblock, BOUNCED, bounceType, soft",
        "generic, BOUNCED, bounceType, soft"
    })
    void otherPermanentFailuresFollowTheirReason(String reason, MessageStatus status, String detail, String value) {
        ActivityReport report =
                receive(failed("permanent", reason, 605, "Not delivering to previously bounced address"));

        assertThat(report.status()).isEqualTo(status);
        assertThat(report.details()).containsEntry(detail, value).containsEntry("failureReason", reason);
    }

    @ParameterizedTest(name = "permanent {0} -> suppression {1}")
    @CsvSource({
        "suppress-bounce, hard-bounce",
        "suppress-unsubscribe, unsubscribe",
        "suppress-complaint, complaint",
        "bounce, "
    })
    void aFailureBecauseOfMailgunsSuppressionListNamesTheSuppression(String reason, String suppression) {
        ActivityReport report =
                receive(failed("permanent", reason, 605, "Not delivering to previously bounced address"));

        assertThat(report.details().get("suppression")).isEqualTo(suppression);
    }

    @Test
    void aClickIsClickedWithItsUrl() {
        ActivityReport report = receive("""
                {"event": "clicked", "id": "cl-1", "timestamp": 1534109600.089676, "recipient": "recipient@example.com",
                 "url": "https://example.com/test", "user-variables": {"mailroom_id": "%s"},
                 "client-info": {"user-agent": "Mozilla/5.0"},
                 "message": {"headers": {"message-id": "20180812213139.1.BC6694A917BB7E6A@example.org"}}}""".formatted(OURS));

        assertThat(report.status()).isEqualTo(MessageStatus.CLICKED);
        assertThat(report.details())
                .contains(entry("url", "https://example.com/test"), entry("userAgent", "Mozilla/5.0"));
    }

    @Test
    void unsubscribedAndComplainedKeepTheirNames() {
        ActivityReport unsubscribed = receive("""
                {"event": "unsubscribed", "id": "W3X4JOhFT-OZidZGKKr9iA", "timestamp": 1377213791.421473, "log-level": "info",
                 "recipient": "recipient@example.com", "message": {"headers": {"message-id": "20130822232216.13966.79700@samples.mailgun.org"}}}""");
        ActivityReport complained = receive("""
                {"event": "complained", "id": "ncV2XwymRUKbPek_MIM-Gw", "timestamp": 1377214260.049634, "log-level": "warn",
                 "recipient": "recipient@example.com",
                 "message": {"headers": {"to": "foo@recipient.com", "message-id": "20130718032413.263EE2E0926@example.org",
                                         "from": "Sender Name <sender@example.org>", "subject": "We are not spammer"}}}""");

        assertThat(unsubscribed.status()).isEqualTo(MessageStatus.UNSUBSCRIBED);
        assertThat(unsubscribed.providerEvent()).isEqualTo("unsubscribed");
        assertThat(complained.status()).isEqualTo(MessageStatus.COMPLAINED);
        assertThat(complained.providerMessageId()).isEqualTo("20130718032413.263EE2E0926@example.org");
    }

    @Test
    void anEventMailroomDoesNotKnowIsKeptWithoutMovingTheStatus() {
        ActivityReport report = receive("{\"event\": \"stored\", \"id\": \"st-1\", \"timestamp\": 1534109600.0}");

        assertThat(report.status()).isEqualTo(MessageStatus.DISPATCHED);
        assertThat(report.providerEvent()).isEqualTo("stored");
        assertThat(report.details()).containsEntry("unmapped", true);
    }

    @Test
    void theSameEventPostedAgainWithANewSignatureIsTheSameActivity() {
        String event = failed("permanent", "bounce", 550, "no such user");

        ActivityReport first = receive(event);
        ActivityReport again = receive(event);
        ActivityReport other = receive(event.replace("\"id\": \"failed-permanent-bounce\"", "\"id\": \"another\""));
        ActivityReport sameIdNextDay = receive(event.replace("1534110422.389832", "1534196822.389832"));

        assertThat(first.id()).isEqualTo(again.id());
        assertThat(List.of(first.id(), other.id(), sameIdNextDay.id())).doesNotHaveDuplicates();
    }

    @Test
    void aBodySignedWithAnotherKeyIsUnauthenticated() {
        String body =
                signed("someone-else", NOW.getEpochSecond(), token(), "{\"event\": \"delivered\", \"id\": \"x\"}");

        assertThat(refusal(() -> receiver.receive(request(body)))).isEqualTo(401);
    }

    @Test
    void aStaleSignatureIsUnauthenticated() {
        String body = signed(
                KEY,
                NOW.minus(Duration.ofMinutes(6)).getEpochSecond(),
                token(),
                "{\"event\": \"delivered\", \"id\": \"x\"}");

        assertThatThrownBy(() -> receiver.receive(request(body)))
                .isInstanceOf(WebhookRejectedException.class)
                .hasMessageContaining("old");
    }

    @Test
    void aMissingSignatureIsUnauthenticated() {
        assertThat(refusal(() -> receiver.receive(request("{\"event-data\": {\"event\": \"delivered\"}}"))))
                .isEqualTo(401);
        assertThat(refusal(
                        () -> receiver.receive(request("{\"signature\": {\"timestamp\": \"1\"}, \"event-data\": {}}"))))
                .isEqualTo(401);
    }

    @Test
    void aSignatureReusedWithAnotherEventIsAReplay() {
        String token = token();
        long timestamp = NOW.getEpochSecond();
        String delivered = signed(
                KEY, timestamp, token, "{\"event\": \"delivered\", \"id\": \"d-1\", \"recipient\": \"a@example.org\"}");
        String forged = signed(
                KEY,
                timestamp,
                token,
                "{\"event\": \"complained\", \"id\": \"c-1\", \"recipient\": \"a@example.org\"}");

        assertThat(receiver.receive(request(delivered))).hasSize(1);
        assertThat(receiver.receive(request(delivered)))
                .as("the same call again, e.g. after our 503")
                .hasSize(1);
        assertThatThrownBy(() -> receiver.receive(request(forged)))
                .isInstanceOf(WebhookRejectedException.class)
                .hasMessageContaining("replayed")
                .extracting(e -> ((WebhookRejectedException) e).status())
                .isEqualTo(401);
    }

    @Test
    void bodiesThatAreNotMailgunWebhooksAreMalformed() {
        assertThat(refusal(() -> receiver.receive(request("timestamp=1&token=t&signature=s&event=delivered"))))
                .isEqualTo(400);
        assertThat(refusal(() -> receiver.receive(request("[]")))).isEqualTo(400);
        String noEventData = signed(KEY, NOW.getEpochSecond(), token(), "null");
        assertThat(refusal(() -> receiver.receive(request(noEventData)))).isEqualTo(400);
        String noEvent = signed(KEY, NOW.getEpochSecond(), token(), "{\"id\": \"x\"}");
        assertThat(refusal(() -> receiver.receive(request(noEvent)))).isEqualTo(400);
    }
}
