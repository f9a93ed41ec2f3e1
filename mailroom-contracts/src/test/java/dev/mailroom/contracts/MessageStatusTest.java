package dev.mailroom.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageStatusTest {

    @Test
    void aLateDeliveredDoesNotReplaceAnEarlierOpened() {
        assertThat(MessageStatus.DELIVERED.outranks(MessageStatus.OPENED)).isFalse();
        assertThat(MessageStatus.OPENED.outranks(MessageStatus.DELIVERED)).isTrue();
    }

    @Test
    void aBounceIsNotUndoneByALateDelivery() {
        assertThat(MessageStatus.DELIVERED.outranks(MessageStatus.BOUNCED)).isFalse();
    }

    @Test
    void thePipelineOrderRises() {
        assertThat(MessageStatus.QUEUED.outranks(MessageStatus.ACCEPTED)).isTrue();
        assertThat(MessageStatus.DISPATCHED.outranks(MessageStatus.QUEUED)).isTrue();
        assertThat(MessageStatus.DISPATCHED.outranks(MessageStatus.DEFERRED)).isTrue();
        assertThat(MessageStatus.ACCEPTED.outranks(null)).isTrue();
        assertThat(MessageStatus.QUEUED.outranks(MessageStatus.QUEUED)).isFalse();
    }

    @Test
    void aSuppressedRecipientStaysSuppressedWhenTheOthersFail() {
        assertThat(MessageStatus.SUPPRESSED.outranks(MessageStatus.FAILED)).isTrue();
        assertThat(MessageStatus.FAILED.outranks(MessageStatus.SUPPRESSED)).isFalse();
        assertThat(MessageStatus.BOUNCED.outranks(MessageStatus.SUPPRESSED)).isFalse();
    }

    @Test
    void aCancelStillOutranksASuppression() {
        assertThat(MessageStatus.CANCELED.outranks(MessageStatus.SUPPRESSED)).isTrue();
        assertThat(MessageStatus.SUPPRESSED.outranks(MessageStatus.CANCELED)).isFalse();
    }
}
