package dev.mailroom.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderLimitsTest {
    @Test
    void callsBeyondTheConcurrencyLimitAreRefusedAtOnceAndAdmittedAgainWhenOneEnds() {
        ProviderLimits.Limits postmark = new ProviderLimits(List.of("postmark"), 2, 1000).of("postmark");

        assertThat(postmark.concurrent().tryAcquirePermission()).isTrue();
        assertThat(postmark.concurrent().tryAcquirePermission()).isTrue();
        assertThat(postmark.concurrent().tryAcquirePermission()).isFalse();
        postmark.concurrent().onComplete();
        assertThat(postmark.concurrent().tryAcquirePermission()).isTrue();
    }

    @Test
    void callsBeyondTheRatePerSecondAreRefusedAtOnce() {
        ProviderLimits.Limits postmark = new ProviderLimits(List.of("postmark"), 2, 5).of("postmark");

        long admitted = java.util.stream.IntStream.range(0, 20)
                .filter(i -> postmark.perSecond().acquirePermission())
                .count();

        // A refresh period may begin during the loop: at most two periods' worth.
        assertThat(admitted).isBetween(5L, 10L);
    }

    @Test
    void eachProviderHasLimitsOfItsOwn() {
        ProviderLimits limits = new ProviderLimits(List.of("postmark", "sendgrid"), 1, 1000);

        assertThat(limits.of("postmark").concurrent().tryAcquirePermission()).isTrue();
        assertThat(limits.of("postmark").concurrent().tryAcquirePermission()).isFalse();
        assertThat(limits.of("sendgrid").concurrent().tryAcquirePermission()).isTrue();
    }
}
