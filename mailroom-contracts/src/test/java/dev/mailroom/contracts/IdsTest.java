package dev.mailroom.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

    @Test
    void theSameFactAlwaysGetsTheSameId() {
        UUID message = UUID.randomUUID();
        assertThat(Ids.activity(message, MessageStatus.QUEUED, 1))
                .isEqualTo(Ids.activity(message, MessageStatus.QUEUED, 1));
        assertThat(Ids.providerEvent("sendgrid", "evt-1")).isEqualTo(Ids.providerEvent("sendgrid", "evt-1"));
    }

    @Test
    void differentFactsGetDifferentIds() {
        UUID message = UUID.randomUUID();
        assertThat(Ids.activity(message, MessageStatus.QUEUED, 1))
                .isNotEqualTo(Ids.activity(message, MessageStatus.QUEUED, 2));
        assertThat(Ids.of("ab", "c")).isNotEqualTo(Ids.of("a", "bc"));
        assertThat(Ids.idempotentMessage("org-a", "k")).isNotEqualTo(Ids.idempotentMessage("org-b", "k"));
    }

    @Test
    void anIdempotencyKeyAfterItsWindowNamesANewMessageThatEveryoneDerivesAlike() {
        UUID first = Ids.idempotentMessage("org-a", "order-1");
        UUID second = Ids.nextIdempotentMessage(first);

        assertThat(second).isNotEqualTo(first).isEqualTo(Ids.nextIdempotentMessage(first));
        assertThat(Ids.nextIdempotentMessage(second)).isNotIn(first, second);
    }

    @Test
    void aRecipientsReportIsNamedByTheNormalizedAddressAndKeepsItsPinnedValue() {
        UUID message = UUID.fromString("0b6f4c3e-6a43-4c8e-9f0e-2f1b8f0b9a11");

        // Pinned: the operator stores these ids; a change here would store a redelivered report twice.
        assertThat(Ids.recipientActivity(message, MessageStatus.DEFERRED, 2, "busy@example.org"))
                .isEqualTo(UUID.fromString("61cf7ff0-3a12-3f92-b704-ea6c299b9320"));
        assertThat(Ids.recipientActivity(message, MessageStatus.DEFERRED, 2, " Busy@Example.ORG "))
                .isEqualTo(Ids.recipientActivity(message, MessageStatus.DEFERRED, 2, "busy@example.org"));
        assertThat(Ids.recipientActivity(message, MessageStatus.DEFERRED, 2, "busy@example.org"))
                .isNotEqualTo(Ids.recipientActivity(message, MessageStatus.DEFERRED, 2, "ada@example.org"))
                .isNotEqualTo(Ids.recipientActivity(message, MessageStatus.DEFERRED, 3, "busy@example.org"))
                .isNotEqualTo(Ids.recipientActivity(message, MessageStatus.BOUNCED, 2, "busy@example.org"))
                .isNotEqualTo(Ids.activity(message, MessageStatus.DEFERRED, 2));
    }
}
