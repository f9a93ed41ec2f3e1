package dev.mailroom.server.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.DeliveryOutcome.RecipientOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the dispatcher reports for each kind of provider answer. */
class DispatchReportsTest {
    private static final Instant NOW = Instant.parse("2030-01-02T03:04:05Z");
    private static final UUID MESSAGE = UUID.fromString("0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11");
    private static final DispatchCommand COMMAND = new DispatchCommand(
            MESSAGE,
            "default",
            3,
            "smtp",
            new Email(
                    Address.of("app@example.com"),
                    List.of(Recipient.of("Valid@Example.test"), Recipient.of("rejected@example.test")),
                    null,
                    List.of(Recipient.of("deferred@example.test")),
                    null,
                    "Hi",
                    "x",
                    null,
                    null,
                    null,
                    null,
                    null));
    private static final String REJECTED_REPLY =
            "550 5.1.1 <rejected@example.test>: Recipient address rejected: User unknown";
    private static final String DEFERRED_REPLY =
            "450 4.2.1 <deferred@example.test>: Recipient address rejected: Mailbox busy";

    private static DeliveryOutcome.PerRecipient split() {
        return new DeliveryOutcome.PerRecipient(
                "<m@example.com>",
                List.of(
                        RecipientOutcome.accepted("Valid@Example.test"),
                        RecipientOutcome.bounced("rejected@example.test", REJECTED_REPLY, 550),
                        RecipientOutcome.deferred("deferred@example.test", DEFERRED_REPLY, 450)));
    }

    @Test
    void aVerdictPerRecipientBecomesOneReportPerRecipientNamingItWithItsAttempt() {
        List<ActivityReport> reports = DispatchReports.of(COMMAND, "smtp", split(), NOW);

        assertThat(reports)
                .extracting(ActivityReport::recipient, ActivityReport::status, ActivityReport::attempt)
                .containsExactly(
                        tuple("Valid@Example.test", MessageStatus.DISPATCHED, 3),
                        tuple("rejected@example.test", MessageStatus.BOUNCED, 3),
                        tuple("deferred@example.test", MessageStatus.DEFERRED, 3));
        assertThat(reports).allSatisfy(r -> {
            assertThat(r.messageId()).isEqualTo(MESSAGE);
            assertThat(r.provider()).isEqualTo("smtp");
            assertThat(r.occurredAt()).isEqualTo(NOW);
            assertThat(r.id()).isEqualTo(Ids.recipientActivity(MESSAGE, r.status(), 3, r.recipient()));
        });
        assertThat(reports).extracting(ActivityReport::id).doesNotHaveDuplicates();

        ActivityReport dispatched = reports.get(0);
        assertThat(dispatched.providerMessageId()).isEqualTo("<m@example.com>");
        assertThat(dispatched.details()).isEqualTo(Map.of("attempt", 3));

        ActivityReport bounced = reports.get(1);
        assertThat(bounced.details())
                .isEqualTo(Map.of("attempt", 3, "bounceType", "hard", "reason", REJECTED_REPLY, "smtpCode", 550));
        assertThat(bounced.retryAt()).isNull();

        ActivityReport deferred = reports.get(2);
        assertThat(deferred.details())
                .isEqualTo(Map.of("attempt", 3, "bounceType", "soft", "reason", DEFERRED_REPLY, "smtpCode", 450));
        // No time from the relay: the operator's back-off decides, from now.
        assertThat(deferred.retryAt()).isEqualTo(NOW);
    }

    @Test
    void everyRecipientRefusedGivesNoDispatched() {
        DeliveryOutcome.PerRecipient refused = new DeliveryOutcome.PerRecipient(
                null,
                List.of(
                        RecipientOutcome.bounced("rejected@example.test", REJECTED_REPLY, 550),
                        RecipientOutcome.deferred("deferred@example.test", DEFERRED_REPLY, 450)));

        assertThat(DispatchReports.of(COMMAND, "smtp", refused, NOW))
                .extracting(ActivityReport::status)
                .containsExactly(MessageStatus.BOUNCED, MessageStatus.DEFERRED);
    }

    @Test
    void theSameVerdictsReportedAgainHaveTheSameIdsSoTheyAreStoredOnce() {
        assertThat(DispatchReports.of(COMMAND, "smtp", split(), NOW))
                .extracting(ActivityReport::id)
                .isEqualTo(DispatchReports.of(COMMAND, "smtp", split(), NOW.plusSeconds(5)).stream()
                        .map(ActivityReport::id)
                        .toList());
    }

    @Test
    void aVerdictForTheWholeMessageIsStillOneReportAboutTheMessage() {
        Instant later = NOW.plusSeconds(30);

        assertThat(DispatchReports.of(COMMAND, "smtp", new DeliveryOutcome.Accepted("<m@example.com>"), NOW))
                .containsExactly(
                        ActivityReport.dispatched(MESSAGE, 3, "smtp", "<m@example.com>", NOW, Map.of("attempt", 3)));
        assertThat(DispatchReports.of(COMMAND, "smtp", new DeliveryOutcome.RetryLater("busy", later), NOW))
                .containsExactly(ActivityReport.deferred(
                        MESSAGE,
                        3,
                        "smtp",
                        NOW,
                        later,
                        Map.of("attempt", 3, "reason", "busy", "retryAfter", later.toString())));
        assertThat(DispatchReports.of(COMMAND, "smtp", new DeliveryOutcome.RetryLater("busy", null), NOW))
                .singleElement()
                .satisfies(r -> assertThat(r.retryAt()).isEqualTo(NOW));
        assertThat(DispatchReports.of(COMMAND, "smtp", new DeliveryOutcome.Rejected("no"), NOW))
                .containsExactly(ActivityReport.failed(MESSAGE, 3, "smtp", NOW, Map.of("attempt", 3, "reason", "no")));
    }
}
