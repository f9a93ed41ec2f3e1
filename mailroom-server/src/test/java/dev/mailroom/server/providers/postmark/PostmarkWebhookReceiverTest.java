package dev.mailroom.server.providers.postmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Postmark's webhook records, in the shapes of Postmark's documentation examples, and what each
 * becomes. Every call carries the webhook's Basic credentials unless a test is about them.
 */
class PostmarkWebhookReceiverTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final String USER = "postmark";
    private static final String PASSWORD = "hook-secret";
    private static final UUID OURS = UUID.fromString("6a1e3c2b-8d4f-4e5a-9b6c-7d8e9f0a1b2c");

    private final PostmarkWebhookReceiver receiver = new PostmarkWebhookReceiver(
            new PostmarkProperties("token", null, USER, PASSWORD, null), Clock.fixed(NOW, ZoneOffset.UTC));

    private ActivityReport receive(String json, String... headers) {
        List<ActivityReport> reports =
                receiver.receive(request(json, PostmarkBasicAuth.header(USER, PASSWORD), headers));
        assertThat(reports).hasSize(1);
        return reports.get(0);
    }

    private static WebhookRequest request(String json, String authorization, String... headers) {
        Map<String, List<String>> all = new LinkedHashMap<>();
        all.put("content-type", List.of("application/json"));
        if (authorization != null) {
            all.put("authorization", List.of(authorization));
        }
        for (int i = 0; i < headers.length; i += 2) {
            all.put(headers[i], List.of(headers[i + 1]));
        }
        return new WebhookRequest(json.getBytes(StandardCharsets.UTF_8), all);
    }

    private static String bounce(String type, int typeCode) {
        return """
                {"RecordType": "Bounce", "ID": 4323372036854775807, "Type": "%s", "TypeCode": %d, "Name": "A bounce",
                 "Tag": "Invitation", "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483", "ServerID": 23,
                 "MessageStream": "outbound", "Description": "The server was unable to deliver your message.",
                 "Details": "Test bounce details", "Email": "john@example.com", "From": "sender@example.com",
                 "BouncedAt": "2019-11-05T16:33:54.9070259Z", "DumpAvailable": true, "Inactive": true,
                 "CanActivate": true, "Subject": "Test subject", "Metadata": {"mailroom_id": "%s"}}""".formatted(type, typeCode, OURS);
    }

    @Test
    void aDeliveryIsDeliveredOnTheMessageNamedByMetadataMailroomId() {
        ActivityReport report = receive("""
                {"RecordType": "Delivery", "ServerID": 23, "MessageStream": "outbound",
                 "MessageID": "00000000-0000-0000-0000-000000000000", "Recipient": "john@example.com", "Tag": "welcome-email",
                 "DeliveredAt": "2019-11-05T16:33:54.9070259Z", "Details": "Test delivery webhook details",
                 "Metadata": {"a_key": "a_value", "mailroom_id": "%s"}}""".formatted(OURS));

        assertThat(report.status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(report.messageId()).isEqualTo(OURS);
        assertThat(report.providerMessageId()).isEqualTo("00000000-0000-0000-0000-000000000000");
        assertThat(report.provider()).isEqualTo("postmark");
        assertThat(report.providerEvent()).isEqualTo("Delivery");
        assertThat(report.recipient()).isEqualTo("john@example.com");
        assertThat(report.occurredAt()).isEqualTo(Instant.parse("2019-11-05T16:33:54.907025900Z"));
        assertThat(report.details())
                .containsOnly(
                        entry("smtpResponse", "Test delivery webhook details"),
                        entry("tag", "welcome-email"),
                        entry("messageStream", "outbound"));
    }

    @Test
    void anEventWithoutMailroomIdIsLeftForMatchingByPostmarksMessageId() {
        ActivityReport report = receive("""
                {"RecordType": "Delivery", "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483", "Recipient": "john@example.com",
                 "DeliveredAt": "2014-08-01T13:28:10.2735393-04:00", "Details": "Test delivery webhook details"}""");

        assertThat(report.messageId()).isNull();
        assertThat(report.providerMessageId()).isEqualTo("883953f4-6105-42a2-a16a-77a8eac79483");
        assertThat(report.occurredAt()).isEqualTo(Instant.parse("2014-08-01T17:28:10.273539300Z"));
    }

    @Test
    void aMailroomIdThatIsNotOursIsIgnoredRatherThanRefused() {
        ActivityReport report = receive("""
                {"RecordType": "Delivery", "MessageID": "m-1", "Recipient": "john@example.com",
                 "DeliveredAt": "2019-11-05T16:33:54Z", "Metadata": {"mailroom_id": "not-a-uuid"}}""");

        assertThat(report.messageId()).isNull();
        assertThat(report.providerMessageId()).isEqualTo("m-1");
    }

    @Test
    void aHardBounceIsBouncedHardWithPostmarksReasonAndType() {
        ActivityReport report = receive(bounce("HardBounce", 1));

        assertThat(report.status()).isEqualTo(MessageStatus.BOUNCED);
        assertThat(report.messageId()).isEqualTo(OURS);
        assertThat(report.providerEvent()).isEqualTo("Bounce");
        assertThat(report.recipient()).isEqualTo("john@example.com");
        assertThat(report.occurredAt()).isEqualTo(Instant.parse("2019-11-05T16:33:54.907025900Z"));
        assertThat(report.details())
                .contains(
                        entry("bounceType", "hard"),
                        entry("reason", "Test bounce details"),
                        entry("type", "HardBounce"),
                        entry("typeCode", 1),
                        entry("name", "A bounce"),
                        entry("description", "The server was unable to deliver your message."),
                        entry("bounceId", "4323372036854775807"),
                        entry("inactive", true),
                        entry("canActivate", true),
                        entry("tag", "Invitation"));
    }

    @ParameterizedTest(name = "{0} -> {2} {3}")
    @CsvSource({
        "HardBounce, 1, BOUNCED, hard",
        "Transient, 2, DEFERRED, soft",
        "Unsubscribe, 16, UNSUBSCRIBED, ",
        "Subscribe, 32, DELIVERED, ",
        "AutoResponder, 64, DELIVERED, ",
        "AddressChange, 128, DELIVERED, ",
        "DnsError, 256, DEFERRED, soft",
        "SpamNotification, 512, BOUNCED, soft",
        "OpenRelayTest, 1024, DISPATCHED, ",
        "Unknown, 2048, BOUNCED, soft",
        "SoftBounce, 4096, BOUNCED, soft",
        "VirusNotification, 8192, BOUNCED, soft",
        "ChallengeVerification, 16384, DEFERRED, ",
        "BadEmailAddress, 100000, BOUNCED, hard",
        "SpamComplaint, 100001, COMPLAINED, ",
        "ManuallyDeactivated, 100002, DROPPED, ",
        "Unconfirmed, 100003, DROPPED, ",
        "Blocked, 100006, BOUNCED, soft",
        "SMTPApiError, 100007, DROPPED, ",
        "InboundError, 100008, DISPATCHED, ",
        "DMARCPolicy, 100009, BOUNCED, soft",
        "TemplateRenderingFailed, 100010, DROPPED, "
    })
    void everyBounceTypeHasADocumentedMeaning(String type, int typeCode, MessageStatus status, String bounceType) {
        ActivityReport byName = receive(bounce(type, typeCode));
        ActivityReport byCodeOnly = receive(bounce("SomethingNew", typeCode));

        assertThat(byName.status()).isEqualTo(status);
        assertThat(byName.details().get("bounceType")).isEqualTo(bounceType);
        assertThat(byName.details()).containsEntry("type", type);
        assertThat(byCodeOnly.status()).isEqualTo(status);
    }

    @Test
    void aBounceOfATypeNobodyKnowsIsStillABounce() {
        assertThat(receive(bounce("BrandNewKind", 999999)).status()).isEqualTo(MessageStatus.BOUNCED);
    }

    @Test
    void aSpamComplaintIsComplained() {
        ActivityReport report = receive("""
                {"RecordType": "SpamComplaint", "ID": 901542550, "Type": "SpamComplaint", "TypeCode": 100001,
                 "Name": "Spam complaint", "Tag": "Test", "MessageID": "2706ee8a-737c-4285-b032-ccd317af53ed", "ServerID": 1234,
                 "Description": "", "Details": "Test spam complaint details", "Email": "spam@example.com",
                 "From": "sender@example.com", "BouncedAt": "2016-04-27T16:28:50.3963933-04:00", "DumpAvailable": true,
                 "Inactive": true, "CanActivate": false, "Subject": "Postmark event test", "MessageStream": "outbound",
                 "Metadata": {"mailroom_id": "%s"}}""".formatted(OURS));

        assertThat(report.status()).isEqualTo(MessageStatus.COMPLAINED);
        assertThat(report.providerEvent()).isEqualTo("SpamComplaint");
        assertThat(report.recipient()).isEqualTo("spam@example.com");
        assertThat(report.details())
                .contains(
                        entry("reason", "Test spam complaint details"),
                        entry("inactive", true),
                        entry("canActivate", false));
    }

    @Test
    void anOpenIsOpenedWithTheReadersClient() {
        ActivityReport report = receive("""
                {"RecordType": "Open", "MessageStream": "outbound", "FirstOpen": true,
                 "Client": {"Name": "Chrome 35.0.1916.153", "Company": "Google", "Family": "Chrome"},
                 "OS": {"Name": "OS X 10.7 Lion", "Company": "Apple Computer, Inc.", "Family": "OS X 10"},
                 "Platform": "WebMail", "UserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5)", "ReadSeconds": 5,
                 "Geo": {"CountryISOCode": "RS", "Country": "Serbia", "RegionISOCode": "VO", "Region": "Autonomna Pokrajina Vojvodina",
                         "City": "Novi Sad", "Zip": "21000", "Coords": "45.2517,19.8369", "IP": "188.2.95.4"},
                 "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483", "Metadata": {"mailroom_id": "%s"},
                 "ReceivedAt": "2019-11-05T16:33:54.9070259Z", "Tag": "welcome-email", "Recipient": "john@example.com"}""".formatted(OURS));

        assertThat(report.status()).isEqualTo(MessageStatus.OPENED);
        assertThat(report.providerEvent()).isEqualTo("Open");
        assertThat(report.details())
                .contains(
                        entry("firstOpen", true),
                        entry("readSeconds", 5L),
                        entry("platform", "WebMail"),
                        entry("client", "Chrome 35.0.1916.153"),
                        entry("os", "OS X 10.7 Lion"),
                        entry("userAgent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5)"),
                        entry("country", "Serbia"),
                        entry("city", "Novi Sad"));
    }

    @Test
    void aClickIsClickedWithTheOriginalLink() {
        ActivityReport report = receive("""
                {"RecordType": "Click", "MessageStream": "outbound", "ClickLocation": "HTML",
                 "Client": {"Name": "Chrome 35.0.1916.153", "Company": "Google", "Family": "Chrome"},
                 "OS": {"Name": "OS X 10.7 Lion", "Company": "Apple Computer, Inc.", "Family": "OS X 10"},
                 "Platform": "Desktop", "UserAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5) etc.",
                 "OriginalLink": "https://example.com", "Geo": {"Country": "Serbia", "City": "Novi Sad"},
                 "MessageID": "00000000-0000-0000-0000-000000000000", "Metadata": {"mailroom_id": "%s"},
                 "ReceivedAt": "2017-10-25T15:21:11.9065619Z", "Tag": "welcome-email", "Recipient": "john@example.com"}""".formatted(OURS));

        assertThat(report.status()).isEqualTo(MessageStatus.CLICKED);
        assertThat(report.occurredAt()).isEqualTo(Instant.parse("2017-10-25T15:21:11.906561900Z"));
        assertThat(report.details())
                .contains(
                        entry("url", "https://example.com"),
                        entry("clickLocation", "HTML"),
                        entry("userAgent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_5) etc."),
                        entry("platform", "Desktop"));
    }

    private static String subscriptionChange(boolean suppress, String reason, String origin) {
        return """
                {"RecordType": "SubscriptionChange", "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483", "ServerID": 123456,
                 "MessageStream": "outbound", "ChangedAt": "2020-02-01T10:53:34.416071Z", "Recipient": "bounced-address@wildbit.com",
                 "Origin": "%s", "SuppressSending": %s, "SuppressionReason": %s, "Tag": "my-tag",
                 "Metadata": {"example": "value", "mailroom_id": "%s"}}""".formatted(origin, suppress, reason == null ? "null" : "\"" + reason + "\"", OURS);
    }

    @ParameterizedTest(name = "SuppressSending {0}, {1} by {2} -> {3}")
    @CsvSource({
        "true, ManualSuppression, Recipient, UNSUBSCRIBED",
        "true, ManualSuppression, Customer, DROPPED",
        "true, ManualSuppression, Admin, DROPPED",
        "true, HardBounce, Recipient, BOUNCED",
        "true, SpamComplaint, Recipient, COMPLAINED",
        "false, , Customer, DISPATCHED"
    })
    void aSubscriptionChangeFollowsItsSuppressionReason(
            boolean suppress, String reason, String origin, MessageStatus status) {
        ActivityReport report = receive(subscriptionChange(suppress, reason, origin));

        assertThat(report.status()).isEqualTo(status);
        assertThat(report.providerEvent()).isEqualTo("SubscriptionChange");
        assertThat(report.recipient()).isEqualTo("bounced-address@wildbit.com");
        assertThat(report.occurredAt()).isEqualTo(Instant.parse("2020-02-01T10:53:34.416071Z"));
        assertThat(report.details()).containsEntry("suppressSending", suppress).containsEntry("origin", origin);
    }

    @ParameterizedTest(name = "SuppressSending {0}, {1} by {2} -> suppression {3}")
    @CsvSource({
        "true, HardBounce, Recipient, hard-bounce",
        "true, SpamComplaint, Recipient, complaint",
        "true, ManualSuppression, Recipient, unsubscribe",
        "true, ManualSuppression, Customer, provider",
        "false, , Customer, "
    })
    void aSubscriptionChangeThatSuppressesNamesWhyForTheSuppressionList(
            boolean suppress, String reason, String origin, String suppression) {
        ActivityReport report = receive(subscriptionChange(suppress, reason, origin));

        assertThat(report.details().get("suppression")).isEqualTo(suppression);
    }

    @Test
    void anAddressPostmarkKeepsInactiveIsTheProvidersSuppression() {
        assertThat(receive(bounce("ManuallyDeactivated", 100002)).details()).containsEntry("suppression", "provider");
        assertThat(receive(bounce("HardBounce", 1)).details()).doesNotContainKey("suppression");
    }

    @Test
    void aRecordTypeMailroomDoesNotKnowIsKeptWithoutMovingTheStatus() {
        ActivityReport report = receive("""
                {"RecordType": "SomethingNew", "MessageID": "m-9", "Recipient": "john@example.com",
                 "ReceivedAt": "2026-01-01T00:00:00Z"}""");

        assertThat(report.status()).isEqualTo(MessageStatus.DISPATCHED);
        assertThat(report.providerEvent()).isEqualTo("SomethingNew");
        assertThat(report.details()).containsEntry("unmapped", true);
        assertThat(report.providerMessageId()).isEqualTo("m-9");
    }

    @Test
    void theTraceIdHeaderMakesARetriedCallTheSameEvent() {
        String body = bounce("HardBounce", 1);

        ActivityReport first = receive(body, "X-PM-Webhook-Trace-Id", "2b9c9e5e-1c0a-4a8c-9c3d-2b0b4c6d8e1f");
        ActivityReport retried = receive(body, "x-pm-webhook-trace-id", "2b9c9e5e-1c0a-4a8c-9c3d-2b0b4c6d8e1f");

        assertThat(first.id())
                .isEqualTo(retried.id())
                .isEqualTo(Ids.providerEvent("postmark", "trace:2b9c9e5e-1c0a-4a8c-9c3d-2b0b4c6d8e1f"));
    }

    @Test
    void withoutATraceIdTheRecordItselfNamesTheEvent() {
        List<UUID> ids = new ArrayList<>();
        ids.add(receive(bounce("HardBounce", 1)).id());
        ids.add(receive(bounce("HardBounce", 1)).id());
        ids.add(receive(bounce("SoftBounce", 4096).replace("2019-11-05T16:33:54", "2019-11-05T16:40:00"))
                .id());
        ids.add(receive(bounce("HardBounce", 1)
                        .replace("\"RecordType\": \"Bounce\"", "\"RecordType\": \"SpamComplaint\""))
                .id());

        assertThat(ids.get(0)).isEqualTo(ids.get(1));
        assertThat(ids.subList(1, 4)).doesNotHaveDuplicates();
    }

    @Test
    void bodiesThatAreNotAPostmarkRecordAreMalformed() {
        for (String body : List.of("not json", "[{\"RecordType\": \"Delivery\"}]", "{\"MessageID\": \"m-1\"}", "")) {
            assertThatThrownBy(() -> receive(body))
                    .isInstanceOf(WebhookRejectedException.class)
                    .extracting(e -> ((WebhookRejectedException) e).status())
                    .isEqualTo(400);
        }
    }

    @Test
    void anInboundEmailPostedHereIsRefusedWithAHint() {
        assertThatThrownBy(() -> receive("{\"FromFull\": {\"Email\": \"someone@example.org\"}, \"Subject\": \"Hi\"}"))
                .isInstanceOf(WebhookRejectedException.class)
                .hasMessageContaining("inbound");
    }

    @Test
    void theRightCredentialsAreAccepted() {
        assertThat(PostmarkBasicAuth.problemWith(PostmarkBasicAuth.header(USER, PASSWORD), USER, PASSWORD))
                .isNull();
        // The scheme name is case-insensitive (RFC 9110), and a password may contain ':'.
        assertThat(PostmarkBasicAuth.problemWith(
                        "basic " + PostmarkBasicAuth.header(USER, "a:b").substring(6), USER, "a:b"))
                .isNull();
    }

    @Test
    void missingWrongOrUnreadableCredentialsAreUnauthenticatedBeforeTheBodyIsRead() {
        List<String> refused = new ArrayList<>();
        refused.add(null);
        refused.add(PostmarkBasicAuth.header(USER, "wrong"));
        refused.add(PostmarkBasicAuth.header("someone", PASSWORD));
        refused.add(PostmarkBasicAuth.header(USER, PASSWORD + "x"));
        refused.add(PostmarkBasicAuth.header(USER, ""));
        refused.add("Bearer " + PASSWORD);
        refused.add("Basic %%%not-base64");
        refused.add(
                "Basic " + java.util.Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8)));
        for (String authorization : refused) {
            assertThatThrownBy(() -> receiver.receive(request("not even json", authorization)))
                    .as("Authorization: %s", authorization)
                    .isInstanceOf(WebhookRejectedException.class)
                    .extracting(e -> ((WebhookRejectedException) e).status())
                    .isEqualTo(401);
        }
    }

    @Test
    void theReceiverRefusesToStartWithoutBothCredentials() {
        assertThatThrownBy(() -> new PostmarkWebhookReceiver(
                        new PostmarkProperties(null, null, null, PASSWORD, null), Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("webhook-username");
    }
}
