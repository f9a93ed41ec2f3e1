package dev.mailroom.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The named factories make the same reports (ids included) that were spelled out field by field before. */
class ActivityReportTest {
    private static final UUID MESSAGE = UUID.fromString("0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11");
    private static final Instant AT = Instant.parse("2026-11-28T10:15:31Z");

    @Test
    void aDispatcherReportIsNamedByMessageStatusAndAttempt() {
        ActivityReport dispatched = ActivityReport.dispatched(MESSAGE, 2, "sendgrid", "sg-1", AT, Map.of("attempt", 2));
        ActivityReport deferred =
                ActivityReport.deferred(MESSAGE, 2, "sendgrid", AT, AT.plusSeconds(60), Map.of("reason", "busy"));
        ActivityReport failed = ActivityReport.failed(MESSAGE, 2, "sendgrid", AT, Map.of("reason", "refused"));

        assertThat(dispatched)
                .isEqualTo(new ActivityReport(
                        Ids.activity(MESSAGE, MessageStatus.DISPATCHED, 2),
                        MESSAGE,
                        "sg-1",
                        "sendgrid",
                        MessageStatus.DISPATCHED,
                        AT,
                        null,
                        null,
                        Map.of("attempt", 2),
                        2,
                        null));
        assertThat(deferred)
                .isEqualTo(new ActivityReport(
                        Ids.activity(MESSAGE, MessageStatus.DEFERRED, 2),
                        MESSAGE,
                        null,
                        "sendgrid",
                        MessageStatus.DEFERRED,
                        AT,
                        null,
                        null,
                        Map.of("reason", "busy"),
                        2,
                        AT.plusSeconds(60)));
        assertThat(failed)
                .isEqualTo(new ActivityReport(
                        Ids.activity(MESSAGE, MessageStatus.FAILED, 2),
                        MESSAGE,
                        null,
                        "sendgrid",
                        MessageStatus.FAILED,
                        AT,
                        null,
                        null,
                        Map.of("reason", "refused"),
                        2,
                        null));
        // Written out: the id of attempt 2's DISPATCHED must not change, or a redelivered report is stored twice.
        assertThat(dispatched.id())
                .isEqualTo(UUID.nameUUIDFromBytes(("pipeline\u001f" + MESSAGE + "\u001fDISPATCHED\u001f2")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void aReportForOneRecipientNamesTheRecipientAsGivenAndIsIdentifiedByItsNormalizedAddress() {
        ActivityReport dispatched = ActivityReport.recipientDispatched(
                MESSAGE, 2, "smtp", "<m@example.com>", "Ada@Example.org", AT, Map.of("attempt", 2));
        ActivityReport deferred = ActivityReport.recipientDeferred(
                MESSAGE, 2, "smtp", "busy@example.org", AT, AT.plusSeconds(60), Map.of("bounceType", "soft"));
        ActivityReport bounced =
                ActivityReport.recipientBounced(MESSAGE, 2, "smtp", "gone@example.org", AT, Map.of("smtpCode", 550));

        assertThat(dispatched)
                .isEqualTo(new ActivityReport(
                        Ids.recipientActivity(MESSAGE, MessageStatus.DISPATCHED, 2, "ada@example.org"),
                        MESSAGE,
                        "<m@example.com>",
                        "smtp",
                        MessageStatus.DISPATCHED,
                        AT,
                        "Ada@Example.org",
                        null,
                        Map.of("attempt", 2),
                        2,
                        null));
        assertThat(deferred)
                .isEqualTo(new ActivityReport(
                        Ids.recipientActivity(MESSAGE, MessageStatus.DEFERRED, 2, "busy@example.org"),
                        MESSAGE,
                        null,
                        "smtp",
                        MessageStatus.DEFERRED,
                        AT,
                        "busy@example.org",
                        null,
                        Map.of("bounceType", "soft"),
                        2,
                        AT.plusSeconds(60)));
        assertThat(bounced)
                .isEqualTo(new ActivityReport(
                        Ids.recipientActivity(MESSAGE, MessageStatus.BOUNCED, 2, "gone@example.org"),
                        MESSAGE,
                        null,
                        "smtp",
                        MessageStatus.BOUNCED,
                        AT,
                        "gone@example.org",
                        null,
                        Map.of("smtpCode", 550),
                        2,
                        null));
        // Not the message-wide report's id: both may exist for one attempt.
        assertThat(dispatched.id()).isNotEqualTo(Ids.activity(MESSAGE, MessageStatus.DISPATCHED, 2));
    }

    @Test
    void aPipelineStatusWithoutAnAttemptCarriesNone() {
        ActivityReport accepted = ActivityReport.pipeline(MESSAGE, MessageStatus.ACCEPTED, 0, AT, null);
        ActivityReport queued = ActivityReport.pipeline(MESSAGE, MessageStatus.QUEUED, 3, AT, Map.of());

        assertThat(accepted)
                .isEqualTo(new ActivityReport(
                        Ids.activity(MESSAGE, MessageStatus.ACCEPTED, 0),
                        MESSAGE,
                        null,
                        null,
                        MessageStatus.ACCEPTED,
                        AT,
                        null,
                        null,
                        Map.of(),
                        null,
                        null));
        assertThat(queued.attempt()).isEqualTo(3);
        assertThat(queued.provider()).isNull();
    }

    @Test
    void changingOneValueKeepsAllTheOthers() {
        ActivityReport event = ActivityReport.event(
                UUID.randomUUID(),
                null,
                "sg-1",
                "sendgrid",
                MessageStatus.OPENED,
                AT,
                "ada@example.org",
                "open",
                Map.of("userAgent", "x"));

        ActivityReport matched = event.withMessageId(MESSAGE);
        ActivityReport noted = event.withDetails(Map.of("note", "y"));
        ActivityReport cut = event.toBuilder()
                .provider("s")
                .providerEvent("o")
                .providerMessageId("m")
                .recipient("r")
                .occurredAt(AT.plusSeconds(1))
                .build();

        assertThat(matched)
                .isEqualTo(new ActivityReport(
                        event.id(),
                        MESSAGE,
                        "sg-1",
                        "sendgrid",
                        MessageStatus.OPENED,
                        AT,
                        "ada@example.org",
                        "open",
                        Map.of("userAgent", "x"),
                        null,
                        null));
        assertThat(noted)
                .isEqualTo(new ActivityReport(
                        event.id(),
                        null,
                        "sg-1",
                        "sendgrid",
                        MessageStatus.OPENED,
                        AT,
                        "ada@example.org",
                        "open",
                        Map.of("note", "y"),
                        null,
                        null));
        assertThat(cut)
                .isEqualTo(new ActivityReport(
                        event.id(),
                        null,
                        "m",
                        "s",
                        MessageStatus.OPENED,
                        AT.plusSeconds(1),
                        "r",
                        "o",
                        Map.of("userAgent", "x"),
                        null,
                        null));
    }
}
