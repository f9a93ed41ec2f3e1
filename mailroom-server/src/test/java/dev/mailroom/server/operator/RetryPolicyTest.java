package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.MailroomProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private final RetryPolicy policy = new RetryPolicy(new MailroomProperties(
            null,
            Path.of("x"),
            null,
            null,
            new MailroomProperties.Operator(100, 1, 4, Duration.ofSeconds(2), Duration.ofSeconds(1)),
            null));

    @RepeatedTest(20)
    void theDelayDoublesPerAttemptWithAtMostHalfAgainOfJitter() {
        for (int attempt = 1; attempt <= 3; attempt++) {
            long base = 2000L << (attempt - 1);
            Duration delay = Duration.between(NOW, policy.nextAttemptAt(attempt, NOW, null));
            assertThat(delay.toMillis()).isBetween(base, base + base / 2);
        }
    }

    @Test
    void theProvidersRetryAfterWinsWhenItIsLater() {
        Instant retryAfter = NOW.plusSeconds(120);
        assertThat(policy.nextAttemptAt(1, NOW, retryAfter)).isEqualTo(retryAfter);
    }

    @Test
    void anEarlierRetryAfterDoesNotShortenTheBackOff() {
        assertThat(policy.nextAttemptAt(1, NOW, NOW.plusMillis(10))).isAfterOrEqualTo(NOW.plusSeconds(2));
    }

    @Test
    void attemptsStopAtTheConfiguredMaximum() {
        assertThat(policy.mayRetry(3)).isTrue();
        assertThat(policy.mayRetry(4)).isFalse();
    }
}
