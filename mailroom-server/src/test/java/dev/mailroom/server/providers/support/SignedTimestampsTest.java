package dev.mailroom.server.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignedTimestampsTest {
    private static final Instant NOW = Instant.parse("2026-12-06T03:00:00Z");
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    @Test
    void aTimestampWithinTheToleranceEitherWayIsFresh() {
        long now = NOW.getEpochSecond();
        assertThat(SignedTimestamps.isWithin(now, NOW, TOLERANCE)).isTrue();
        assertThat(SignedTimestamps.isWithin(now - 300, NOW, TOLERANCE)).isTrue();
        assertThat(SignedTimestamps.isWithin(now + 300, NOW, TOLERANCE)).isTrue();
        assertThat(SignedTimestamps.isWithin(now - 301, NOW, TOLERANCE)).isFalse();
        assertThat(SignedTimestamps.isWithin(now + 301, NOW, TOLERANCE)).isFalse();
    }

    @Test
    void timestampsWhoseAgeOverflowsAreNeverFresh() {
        long now = NOW.getEpochSecond();
        // now - (now + Long.MIN_VALUE) wraps to Long.MIN_VALUE, and Math.abs(Long.MIN_VALUE) < 0:
        // the unguarded check took this timestamp for a fresh one.
        assertThat(SignedTimestamps.isWithin(now + Long.MIN_VALUE, NOW, TOLERANCE))
                .isFalse();
        assertThat(SignedTimestamps.isWithin(Long.MIN_VALUE, NOW, TOLERANCE)).isFalse();
        assertThat(SignedTimestamps.isWithin(Long.MAX_VALUE, NOW, TOLERANCE)).isFalse();
        assertThat(SignedTimestamps.isWithin(-1, NOW, TOLERANCE)).isFalse();
        assertThat(SignedTimestamps.isWithin(now, NOW, Duration.ofSeconds(Long.MAX_VALUE)))
                .isTrue();
        assertThat(SignedTimestamps.isWithin(now, NOW, Duration.ofSeconds(-5))).isTrue();
        assertThat(SignedTimestamps.isWithin(now + 1, NOW, Duration.ofSeconds(-5)))
                .isFalse();
    }

    @Test
    void theAgeSaturatesInsteadOfWrapping() {
        assertThat(SignedTimestamps.age(Long.MIN_VALUE, NOW)).isEqualTo(Long.MAX_VALUE);
        assertThat(SignedTimestamps.age(NOW.getEpochSecond() + Long.MIN_VALUE, NOW))
                .isEqualTo(Long.MAX_VALUE);
        assertThat(SignedTimestamps.age(Long.MAX_VALUE, NOW)).isEqualTo(NOW.getEpochSecond() - Long.MAX_VALUE);
        assertThat(SignedTimestamps.age(NOW.getEpochSecond() - 10, NOW)).isEqualTo(10);
    }

    @Test
    void aRetryAfterTooFarToAddIsUnreadableNotAnException() {
        assertThat(HttpOutcomes.retryAfter("120", NOW)).isEqualTo(NOW.plusSeconds(120));
        assertThat(HttpOutcomes.retryAfter(Long.toString(Long.MAX_VALUE), NOW)).isNull();
        assertThat(HttpOutcomes.retryAfter("99999999999999999", NOW)).isNull();
    }
}
