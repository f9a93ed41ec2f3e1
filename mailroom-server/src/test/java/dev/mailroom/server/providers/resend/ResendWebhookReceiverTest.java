package dev.mailroom.server.providers.resend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Ids;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every event type Resend documents, in the shapes of its event-type reference (sample request
 * bodies) and of payloads seen live (tags as an object, "Name <address>" recipients), signed as
 * Svix signs them.
 */
class ResendWebhookReceiverTest {
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final UUID OURS = UUID.fromString("0b7c1e9a-3f0e-4c55-9b8e-2d4f1a6c7e01");
    private static final String EMAIL_ID = "56761188-7520-42d8-8898-ff6fc54ce618";

    private final ResendWebhookReceiver receiver = new ResendWebhookReceiver(
            new ResendProperties(null, null, SECRET), mailroom(), Clock.fixed(NOW, ZoneOffset.UTC));

    static MailroomProperties mailroom() {
        return new MailroomProperties(
                null,
                Path.of("target/unused"),
                new MailroomProperties.Api(null),
                new MailroomProperties.Webhooks(Duration.ofMinutes(5), 5_242_880),
                new MailroomProperties.Operator(200, 2, 5, Duration.ofSeconds(2), Duration.ofSeconds(1)),
                new MailroomProperties.Dispatcher(50, 2, 32));
    }

    private List<ActivityReport> deliver(String svixId, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String signature = new SvixSignature(SECRET).sign(svixId, NOW.getEpochSecond(), body);
        return receiver.receive(new WebhookRequest(
                body,
                Map.of(
                        "svix-id", List.of(svixId),
                        "svix-timestamp", List.of(Long.toString(NOW.getEpochSecond())),
                        "svix-signature", List.of(signature))));
    }

    /** A documented sample body of the given type, with our id in the tags (object form) and {@code extra} in data. */
    private static String event(String type, String extra) {
        return """
                {
                  "type": "%s",
                  "created_at": "2024-11-22T23:41:12.126Z",
                  "data": {
                    "broadcast_id": "8b146471-e88e-4322-86af-016cd36fd216",
                    "created_at": "2024-11-22T23:41:11.894719+00:00",
                    "email_id": "%s",
                    "from": "Acme <onboarding@resend.dev>",
                    "to": ["delivered@resend.dev"],
                    "subject": "Sending this example",
                    "template_id": "43f68331-0622-4e15-8202-246a0388854b",%s
                    "tags": {"category": "confirm_email", "mailroom_id": "%s"}
                  }
                }""".formatted(type, EMAIL_ID, extra.isEmpty() ? "" : "\n" + extra + ",", OURS);
    }

    private ActivityReport only(String svixId, String json) {
        List<ActivityReport> reports = deliver(svixId, json);
        assertThat(reports).hasSize(1);
        return reports.get(0);
    }

    @Test
    void deliveredIsMatchedByOurTagAndByResendsEmailId() {
        ActivityReport report = only("msg_2W2D3qXLS5fOaPja1GDg7rF2CwB", event("email.delivered", ""));

        assertThat(report.id()).isEqualTo(Ids.providerEvent("resend", "msg_2W2D3qXLS5fOaPja1GDg7rF2CwB"));
        assertThat(report.messageId()).isEqualTo(OURS);
        assertThat(report.providerMessageId()).isEqualTo(EMAIL_ID);
        assertThat(report.provider()).isEqualTo("resend");
        assertThat(report.status()).isEqualTo(MessageStatus.DELIVERED);
        assertThat(report.providerEvent()).isEqualTo("email.delivered");
        assertThat(report.recipient()).isEqualTo("delivered@resend.dev");
        assertThat(report.occurredAt()).isEqualTo(Instant.parse("2024-11-22T23:41:12.126Z"));
        assertThat(report.attempt()).isNull();
        assertThat(report.retryAt()).isNull();
    }

    @Test
    void eachSendingEventTypeHasItsStatus() {
        Map<String, MessageStatus> expected = Map.of(
                "email.sent", MessageStatus.DISPATCHED,
                "email.scheduled", MessageStatus.SCHEDULED,
                "email.delivered", MessageStatus.DELIVERED,
                "email.delivery_delayed", MessageStatus.DEFERRED,
                "email.complained", MessageStatus.COMPLAINED,
                "email.opened", MessageStatus.OPENED,
                "email.bounced", MessageStatus.BOUNCED,
                "email.clicked", MessageStatus.CLICKED,
                "email.failed", MessageStatus.FAILED,
                "email.suppressed", MessageStatus.DROPPED);

        expected.forEach((type, status) -> {
            ActivityReport report = only("msg_" + type, event(type, ""));
            assertThat(report.status()).as(type).isEqualTo(status);
            assertThat(report.providerEvent()).isEqualTo(type);
            assertThat(report.messageId()).isEqualTo(OURS);
        });
    }

    @Test
    void aPermanentBounceIsHardWithResendsMessageAndSubType() {
        ActivityReport report = only("msg_bounce", event("email.bounced", """
                "bounce": {
                  "message": "The recipient's email address is on the suppression list because it has a recent history of producing hard bounces.",
                  "subType": "Suppressed",
                  "type": "Permanent"
                }"""));

        assertThat(report.status()).isEqualTo(MessageStatus.BOUNCED);
        assertThat(report.details())
                .containsEntry("bounceType", "hard")
                .containsEntry("providerBounceType", "Permanent")
                .containsEntry("bounceSubType", "Suppressed")
                .containsEntry(
                        "reason",
                        "The recipient's email address is on the suppression list because it has a recent history of producing hard bounces.");
    }

    @Test
    void aTransientBounceIsSoft() {
        ActivityReport report = only("msg_soft", event("email.bounced", """
                "bounce": {"message": "Mailbox full", "subType": "MailboxFull", "type": "Transient"}"""));

        assertThat(report.details()).containsEntry("bounceType", "soft").containsEntry("reason", "Mailbox full");
    }

    @Test
    void aBounceWithoutATypeIsHardAsResendDescribesTheEvent() {
        ActivityReport report = only("msg_untyped", event("email.bounced", """
                "bounce": {"message": "The recipient's email provider sent a hard bounce message, but didn't specify the reason."}"""));

        assertThat(report.details()).containsEntry("bounceType", "hard").doesNotContainKey("providerBounceType");
    }

    @Test
    void aClickKeepsTheLinkUserAgentAddressAndTime() {
        ActivityReport report = only("msg_click", event("email.clicked", """
                "click": {
                  "ipAddress": "122.115.53.11",
                  "link": "https://resend.com",
                  "timestamp": "2024-11-24T05:00:57.163Z",
                  "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.1 Safari/605.1.15"
                }"""));

        assertThat(report.status()).isEqualTo(MessageStatus.CLICKED);
        assertThat(report.details())
                .containsEntry("url", "https://resend.com")
                .containsEntry("ipAddress", "122.115.53.11")
                .containsEntry("clickedAt", "2024-11-24T05:00:57.163Z")
                .containsEntry(
                        "userAgent",
                        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.1 Safari/605.1.15");
    }

    @Test
    void aFailureKeepsResendsReason() {
        ActivityReport report = only("msg_failed", event("email.failed", """
                "failed": {"reason": "reached_daily_quota"}"""));

        assertThat(report.status()).isEqualTo(MessageStatus.FAILED);
        assertThat(report.details()).containsEntry("reason", "reached_daily_quota");
    }

    @Test
    void aSuppressionIsDroppedWithItsTypeAndMessage() {
        ActivityReport report = only("msg_suppressed", event("email.suppressed", """
                "suppressed": {
                  "message": "Resend has suppressed sending to this address because it is on the account-level suppression list. This does not count toward your bounce rate metric",
                  "type": "OnAccountSuppressionList"
                }"""));

        assertThat(report.status()).isEqualTo(MessageStatus.DROPPED);
        assertThat(report.details())
                .containsEntry("suppressionType", "OnAccountSuppressionList")
                .containsEntry("suppression", "provider")
                .hasEntrySatisfying("reason", r -> assertThat((String) r).startsWith("Resend has suppressed sending"));
    }

    @Test
    void tagsReportedAsAnArrayOfNameAndValueAreReadToo() {
        String json = """
                {"type": "email.opened", "created_at": "2024-02-22T23:41:12.126Z",
                 "data": {"email_id": "%s", "to": ["ada@example.org"],
                          "tags": [{"name": "category", "value": "welcome"}, {"name": "mailroom_id", "value": "%s"}]}}""".formatted(EMAIL_ID, OURS);

        assertThat(only("msg_array_tags", json).messageId()).isEqualTo(OURS);
    }

    @Test
    void anEventWithoutOurTagIsLeftToBeMatchedByResendsEmailId() {
        String json = """
                {"type": "email.delivered", "created_at": "2023-09-28T17:19:44.823Z",
                 "data": {"created_at": "2023-09-28T17:19:43.982Z", "email_id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
                          "from": "Sender <from@example.com>", "subject": "Sending test", "to": ["to@example.org"]}}""";

        ActivityReport report = only("msg_untagged", json);

        assertThat(report.messageId()).isNull();
        assertThat(report.providerMessageId()).isEqualTo("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
        assertThat(report.status()).isEqualTo(MessageStatus.DELIVERED);
    }

    @Test
    void aMailroomIdThatIsNotOneOfOursIsIgnoredRatherThanRefused() {
        String json = """
                {"type": "email.delivered", "created_at": "2024-02-22T23:41:12.126Z",
                 "data": {"email_id": "%s", "to": ["a@example.org"], "tags": {"mailroom_id": "not-a-uuid"}}}""".formatted(EMAIL_ID);

        ActivityReport report = only("msg_foreign", json);

        assertThat(report.messageId()).isNull();
        assertThat(report.providerMessageId()).isEqualTo(EMAIL_ID);
    }

    @Test
    void aRecipientWithADisplayNameIsReducedToTheAddress() {
        String json = """
                {"type": "email.opened", "created_at": "2023-09-28T17:20:38.990Z",
                 "data": {"email_id": "%s", "to": ["Recipient <to@example.org>"]}}""".formatted(EMAIL_ID);

        assertThat(only("msg_named", json).recipient()).isEqualTo("to@example.org");
    }

    @Test
    void anEventForSeveralRecipientsIsRecordedForTheMessageWithTheirAddresses() {
        String json = """
                {"type": "email.delivered", "created_at": "2023-09-28T17:19:43.736Z",
                 "data": {"email_id": "%s", "to": ["Recipient <to@example.org>", "to2@example.org"]}}""".formatted(EMAIL_ID);

        ActivityReport report = only("msg_many", json);

        assertThat(report.recipient()).isNull();
        assertThat(report.details()).containsEntry("recipients", List.of("to@example.org", "to2@example.org"));
    }

    @Test
    void theSameSvixMessageDeliveredTwiceGivesTheSameActivityId() {
        ActivityReport first = only("msg_again", event("email.opened", ""));
        ActivityReport second = only("msg_again", event("email.opened", ""));

        assertThat(second.id()).isEqualTo(first.id());
    }

    @Test
    void eventsAboutInboundMailContactsAndDomainsAreAcceptedWithoutAnActivity() {
        assertThat(deliver("msg_received", """
                {"type": "email.received", "created_at": "2024-02-22T23:41:12.126Z",
                 "data": {"email_id": "%s", "from": "Acme <onboarding@resend.dev>", "to": ["delivered@resend.dev"],
                          "bcc": [], "cc": [], "message_id": "<example+123>", "subject": "Sending this example", "attachments": []}}""".formatted(EMAIL_ID))).isEmpty();
        assertThat(deliver("msg_contact", """
                {"type": "contact.created", "created_at": "2024-11-17T19:32:22.980Z",
                 "data": {"id": "e169aa45-1ecf-4183-9955-b1499d5701d3", "audience_id": "78261eea-8f8b-4381-83c6-79fa7120f1cf",
                          "email": "steve.wozniak@gmail.com", "first_name": "Steve", "last_name": "Wozniak", "unsubscribed": false}}""")).isEmpty();
        assertThat(deliver("msg_domain", """
                {"type": "domain.updated", "created_at": "2024-11-17T19:32:22.980Z",
                 "data": {"id": "d91cd9bd-1176-453e-8fc1-35364d380206", "name": "example.com", "status": "not_started"}}""")).isEmpty();
    }

    @Test
    void anEventTypeResendAddsLaterIsAcceptedWithoutAnActivity() {
        assertThat(deliver("msg_new", event("email.teleported", ""))).isEmpty();
    }

    @Test
    void anUnreadableCreatedAtFallsBackToTheTimeOfReceipt() {
        String json = """
                {"type": "email.opened", "created_at": "last tuesday", "data": {"email_id": "%s", "to": ["a@example.org"]}}""".formatted(EMAIL_ID);

        assertThat(only("msg_when", json).occurredAt()).isEqualTo(NOW);
    }

    @Test
    void aSignedBodyThatIsNotAnEventIsMalformed() {
        assertThat(malformed(() -> deliver("msg_bad1", "{\"type\": \"email.delivered\"")))
                .contains("not JSON");
        assertThat(malformed(() -> deliver("msg_bad2", "[1, 2, 3]"))).contains("Resend event");
        assertThat(malformed(() -> deliver("msg_bad3", "{\"created_at\": \"2024-11-22T23:41:12.126Z\", \"data\": {}}")))
                .contains("Resend event");
        assertThat(malformed(() -> deliver("msg_bad4", "{\"type\": \"email.delivered\", \"data\": \"x\"}")))
                .contains("data object");
    }

    @Test
    void anUnsignedCallIsRefusedBeforeItsBodyIsRead() {
        assertThatThrownBy(() -> receiver.receive(
                        new WebhookRequest("not even json".getBytes(StandardCharsets.UTF_8), Map.of())))
                .isInstanceOfSatisfying(
                        WebhookRejectedException.class,
                        e -> assertThat(e.status()).isEqualTo(401));
    }

    private static String malformed(Runnable call) {
        try {
            call.run();
        } catch (WebhookRejectedException e) {
            assertThat(e.status()).isEqualTo(400);
            return e.getMessage();
        }
        throw new AssertionError("expected 400");
    }
}
