package dev.mailroom.bench.fake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SendsPerSecondTest {

    @Test
    void sendsAreCountedInTheWallClockSecondTheyArrivedIn() {
        SendsPerSecond counts = new SendsPerSecond();
        counts.count(1_000_000_000L); // 1,000,000.000 s
        counts.count(1_000_000_999L); // same second, its last millisecond
        counts.count(1_000_001_000L); // the next second

        assertThat(counts.snapshot())
                .containsExactly(java.util.Map.entry(1_000_000L, 2L), java.util.Map.entry(1_000_001L, 1L));
    }

    @Test
    void aQuietSecondInsideTheSpanIsCountedAsZeroAndSecondsOutsideAreLeftOut() {
        SendsPerSecond counts = new SendsPerSecond();
        counts.count(9_000L);
        counts.count(10_500L);
        counts.count(12_000L);
        counts.count(12_001L);
        counts.count(14_000L);

        assertThat(counts.between(10, 13)).containsExactly(1, 0, 2, 0);
        assertThat(counts.between(13, 12)).isEmpty();
    }
}
