package dev.mailroom.server.providers.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What {@code POST /webhooks/sendgrid} makes of SendGrid's event batches, with a fixed clock. */
class SendGridWebhookReceiverTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final UUID MAILROOM_ID = UUID.fromString("5b0c3a8e-0d0f-4c61-9d43-2f4b3c9c1a11");
    private static final String X_MESSAGE_ID = "LRzXl_NHStOGhQ4kofSm_A";
    private static final String SG_MESSAGE_ID = X_MESSAGE_ID + ".filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0";

    private static SendGridWebhookReceiver receiver(String publicKey, Instant now) {
        MailroomProperties mailroom = new MailroomProperties(
                null, null, null, new MailroomProperties.Webhooks(Duration.ofMinutes(5), 5 * 1024 * 1024), null, null);
        return new SendGridWebhookReceiver(
                new SendGridProperties(null, null, publicKey), mailroom, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static List<ActivityReport> receive(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String t = Long.toString(NOW.getEpochSecond());
        return receiver(SendGridTestKeys.PUBLIC_KEY, NOW).receive(signed(bytes, t, SendGridTestKeys.sign(t, bytes)));
    }

    private static WebhookRequest signed(byte[] body, String timestamp, String signature) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("content-type", List.of("application/json"));
        // Servlet containers may hand header names in any case.
        headers.put("x-twilio-email-event-webhook-signature", List.of(signature));
        headers.put("X-Twilio-Email-Event-Webhook-Timestamp", List.of(timestamp));
        return new WebhookRequest(body, headers);
    }

    /** One event as SendGrid posts it, with our mailroom_id copied in from custom_args. */
    private static String event(String type, String eventId, String extra) {
        return "{\"email\":\"ada@example.org\",\"timestamp\":1796817600,\"smtp-id\":\"<" + X_MESSAGE_ID
                + "@ismtpd0001p1lon1.sendgrid.net>\","
                + "\"event\":\"" + type + "\",\"category\":[\"welcome\"],\"sg_event_id\":\"" + eventId
                + "\",\"sg_message_id\":\"" + SG_MESSAGE_ID
                + "\",\"mailroom_id\":\"" + MAILROOM_ID + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @Test
    void sendGridsPublishedTestVectorIsAcceptedAndReadAsADroppedEvent() {
        byte[] body = SendGridSignatureTest.OFFICIAL_PAYLOAD.getBytes(StandardCharsets.UTF_8);
        SendGridWebhookReceiver receiver =
                receiver(SendGridSignatureTest.OFFICIAL_PUBLIC_KEY, SendGridSignatureTest.VECTOR_TIME);

        List<ActivityReport> reports = receiver.receive(
                signed(body, SendGridSignatureTest.OFFICIAL_TIMESTAMP, SendGridSignatureTest.OFFICIAL_SIGNATURE));

        assertThat(reports)
                .containsExactly(ActivityReport.event(
                        Ids.providerEvent("sendgrid", "ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA"),
                        null,
                        "LRzXl_NHStOGhQ4kofSm_A",
                        "sendgrid",
                        MessageStatus.DROPPED,
                        Instant.ofEpochSecond(1600112492),
                        "hello@world.com",
                        "dropped",
                        Map.of("reason", "Bounced Address", "suppression", "hard-bounce")));
    }

    @Test
    void aDropForOneOfSendGridsSuppressionListsNamesTheSuppressionAndOtherDropsDoNot() {
        String batch = "["
                + String.join(
                        ",",
                        event("dropped", "d-bounced", "\"reason\":\"Bounced Address\""),
                        event("dropped", "d-unsubscribed", "\"reason\":\"Unsubscribed Address\""),
                        event("dropped", "d-spam", "\"reason\":\"Spam Reporting Address\""),
                        event("dropped", "d-invalid", "\"reason\":\"Invalid\""),
                        event("dropped", "d-content", "\"reason\":\"Spam Content (if spam checker app enabled)\""),
                        event("dropped", "d-header", "\"reason\":\"Invalid SMTPAPI header\""))
                + "]";

        List<ActivityReport> reports = receive(batch);

        assertThat(reports).extracting(ActivityReport::status).containsOnly(MessageStatus.DROPPED);
        assertThat(reports)
                .extracting(r -> r.details().get("suppression"))
                .containsExactly("hard-bounce", "unsubscribe", "complaint", "provider", null, null);
    }

    @Test
    void oneCallCarriesManyEventsEachMappedToItsStatus() {
        String batch = "["
                + String.join(
                        ",",
                        event("processed", "e-processed", ""),
                        event("dropped", "e-dropped", "\"reason\":\"Unsubscribed Address\",\"status\":\"5.0.0\""),
                        event("delivered", "e-delivered", "\"response\":\"250 2.0.0 OK\",\"tls\":1"),
                        event("deferred", "e-deferred", "\"response\":\"421 4.7.0 try again later\",\"attempt\":\"2\""),
                        event(
                                "bounce",
                                "e-bounce",
                                "\"type\":\"bounce\",\"status\":\"5.1.1\",\"reason\":\"550 5.1.1 unknown user\","
                                        + "\"bounce_classification\":\"Invalid Address\""),
                        event(
                                "bounce",
                                "e-blocked",
                                "\"type\":\"blocked\",\"status\":\"4.0.0\",\"reason\":\"421 rate limited\""),
                        event(
                                "open",
                                "e-open",
                                "\"useragent\":\"Mozilla/5.0\",\"ip\":\"192.0.2.1\",\"sg_machine_open\":true"),
                        event(
                                "click",
                                "e-click",
                                "\"useragent\":\"Mozilla/5.0\",\"url\":\"https://example.com/welcome\",\"url_offset\":{\"index\":0}"),
                        event("spamreport", "e-spam", ""),
                        event("unsubscribe", "e-unsub", ""),
                        event(
                                "group_unsubscribe",
                                "e-group-unsub",
                                "\"asm_group_id\":42,\"useragent\":\"Mozilla/5.0\""))
                + "]\r\n";

        List<ActivityReport> reports = receive(batch);

        assertThat(reports)
                .extracting(ActivityReport::status)
                .containsExactly(
                        MessageStatus.DISPATCHED,
                        MessageStatus.DROPPED,
                        MessageStatus.DELIVERED,
                        MessageStatus.DEFERRED,
                        MessageStatus.BOUNCED,
                        MessageStatus.BOUNCED,
                        MessageStatus.OPENED,
                        MessageStatus.CLICKED,
                        MessageStatus.COMPLAINED,
                        MessageStatus.UNSUBSCRIBED,
                        MessageStatus.UNSUBSCRIBED);
        assertThat(reports).allSatisfy(r -> {
            assertThat(r.messageId()).isEqualTo(MAILROOM_ID);
            assertThat(r.providerMessageId()).isEqualTo(X_MESSAGE_ID);
            assertThat(r.provider()).isEqualTo("sendgrid");
            assertThat(r.recipient()).isEqualTo("ada@example.org");
            assertThat(r.occurredAt()).isEqualTo(Instant.ofEpochSecond(1796817600));
            assertThat(r.attempt()).isNull();
            assertThat(r.retryAt()).isNull();
        });
        assertThat(reports.get(0).details()).isEmpty();
        assertThat(reports.get(1).details())
                .containsOnly(
                        entry("reason", "Unsubscribed Address"),
                        entry("status", "5.0.0"),
                        entry("suppression", "unsubscribe"));
        assertThat(reports.get(2).details()).containsOnly(entry("smtpResponse", "250 2.0.0 OK"));
        assertThat(reports.get(3).details())
                .containsOnly(entry("reason", "421 4.7.0 try again later"), entry("deliveryAttempt", 2L));
        assertThat(reports.get(4).details())
                .containsOnly(
                        entry("bounceType", "hard"),
                        entry("status", "5.1.1"),
                        entry("reason", "550 5.1.1 unknown user"),
                        entry("classification", "Invalid Address"));
        assertThat(reports.get(5).details()).contains(entry("bounceType", "soft"), entry("reason", "421 rate limited"));
        assertThat(reports.get(6).details())
                .containsOnly(entry("userAgent", "Mozilla/5.0"), entry("machineOpen", true));
        assertThat(reports.get(7).details())
                .containsOnly(entry("url", "https://example.com/welcome"), entry("userAgent", "Mozilla/5.0"));
        assertThat(reports.get(10).details()).containsOnly(entry("asmGroupId", 42L));
        assertThat(reports)
                .extracting(ActivityReport::providerEvent)
                .containsExactly(
                        "processed",
                        "dropped",
                        "delivered",
                        "deferred",
                        "bounce",
                        "bounce",
                        "open",
                        "click",
                        "spamreport",
                        "unsubscribe",
                        "group_unsubscribe");
    }

    @Test
    void theSendGridEventIdIsTheDeduplicationKey() {
        String body =
                "[" + event("open", "e-1", "") + "," + event("open", "e-1", "") + "," + event("open", "e-2", "") + "]";

        List<ActivityReport> reports = receive(body);

        assertThat(reports)
                .extracting(ActivityReport::id)
                .containsExactly(
                        Ids.providerEvent("sendgrid", "e-1"),
                        Ids.providerEvent("sendgrid", "e-1"),
                        Ids.providerEvent("sendgrid", "e-2"));
    }

    @Test
    void withoutMailroomIdTheEventIsMatchedByTheMessageIdSendGridReturnedAtDispatch() {
        String body =
                "[{\"email\":\"ada@example.org\",\"timestamp\":1796817600,\"event\":\"open\",\"sg_event_id\":\"e-open\","
                        + "\"sg_message_id\":\"" + SG_MESSAGE_ID + "\"},"
                        + "{\"email\":\"ada@example.org\",\"timestamp\":1796817600,\"event\":\"processed\",\"sg_event_id\":\"e-proc\","
                        + "\"smtp-id\":\"<" + X_MESSAGE_ID
                        + "@ismtpd0001p1lon1.sendgrid.net>\",\"mailroom_id\":\"not-a-uuid\"}]";

        List<ActivityReport> reports = receive(body);

        assertThat(reports).extracting(ActivityReport::messageId).containsOnlyNulls();
        assertThat(reports).extracting(ActivityReport::providerMessageId).containsExactly(X_MESSAGE_ID, X_MESSAGE_ID);
    }

    @Test
    void groupResubscribeAndUnknownEventsAreAcknowledgedWithoutAnActivityAndTheRestOfTheBatchIsKept() {
        String body = "[" + event("group_resubscribe", "e-resub", "\"asm_group_id\":42") + ","
                + event("account_status_change", "e-account", "") + "," + event("delivered", "e-delivered", "") + "]";

        List<ActivityReport> reports = receive(body);

        assertThat(reports).extracting(ActivityReport::status).containsExactly(MessageStatus.DELIVERED);
    }

    @Test
    void timestampsAndNumbersSentAsStringsAreRead() {
        String body =
                "[{\"email\":\"ada@example.org\",\"timestamp\":\"1796817600\",\"event\":\"group_unsubscribe\",\"sg_event_id\":\"e\","
                        + "\"asm_group_id\":\"7\"}]";

        ActivityReport report = receive(body).get(0);

        assertThat(report.occurredAt()).isEqualTo(Instant.ofEpochSecond(1796817600));
        assertThat(report.details()).containsOnly(entry("asmGroupId", 7L));
    }

    @Test
    void anEventWithoutATimestampHappenedWhenItWasReceived() {
        assertThat(receive("[{\"event\":\"delivered\",\"sg_event_id\":\"e\"}]")
                        .get(0)
                        .occurredAt())
                .isEqualTo(NOW);
        assertThat(receive("[{\"event\":\"delivered\",\"sg_event_id\":\"e\",\"timestamp\":\"soon\"}]")
                        .get(0)
                        .occurredAt())
                .isEqualTo(NOW);
    }

    @Test
    void anEventWithoutSgEventIdStillGetsAStableIdFromItsContent() {
        String a = "[{\"event\":\"delivered\",\"email\":\"ada@example.org\",\"timestamp\":1}]";
        String b = "[{\"event\":\"delivered\",\"email\":\"bob@example.org\",\"timestamp\":1}]";

        assertThat(receive(a).get(0).id())
                .isEqualTo(receive(a).get(0).id())
                .isNotEqualTo(receive(b).get(0).id());
    }

    @Test
    void anEmptyBatchIsFine() {
        assertThat(receive("[]")).isEmpty();
    }

    @Test
    void aBodyThatIsNotAnArrayOfEventsIsMalformed() {
        for (String body :
                List.of("{\"event\":\"delivered\"}", "not json", "[1, 2]", "[{\"email\":\"ada@example.org\"}]", "")) {
            assertThatThrownBy(() -> receive(body))
                    .as(body)
                    .isInstanceOfSatisfying(
                            WebhookRejectedException.class,
                            e -> assertThat(e.status()).isEqualTo(400));
        }
    }

    @Test
    void aForgedCallIsRefusedBeforeItsBodyIsRead() {
        byte[] body = "not even json".getBytes(StandardCharsets.UTF_8);
        String t = Long.toString(NOW.getEpochSecond());
        String signedByOthers = SendGridTestKeys.sign(t, "something else".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> receiver(SendGridTestKeys.PUBLIC_KEY, NOW).receive(signed(body, t, signedByOthers)))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).isEqualTo("signature does not match");
                });
    }

    @Test
    void withABlankVerificationKeyEveryCallIsRefused() {
        byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
        String t = Long.toString(NOW.getEpochSecond());

        assertThatThrownBy(() -> receiver(" ", NOW).receive(signed(body, t, SendGridTestKeys.sign(t, body))))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.getMessage()).contains("mailroom.providers.sendgrid.webhook-public-key");
                });
    }

    @Test
    void theReceiverAnswersForSendgrid() {
        assertThat(receiver(null, NOW).provider()).isEqualTo("sendgrid");
    }
}
