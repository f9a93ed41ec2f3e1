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
}
