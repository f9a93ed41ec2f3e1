package dev.mailroom.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.MailroomProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FailedAuthThrottleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T03:00:00Z"));
    private final FailedAuthThrottle throttle = new FailedAuthThrottle(
            new MailroomProperties.AuthFailures(3, Duration.ofMinutes(1), Duration.ofMinutes(5), 1000), clock);

    @Test
    void aSourceIsBlockedAfterTheMaximumNumberOfFailuresForTheBlockTime() {
        throttle.recordFailure("203.0.113.7");
        throttle.recordFailure("203.0.113.7");
        assertThat(throttle.blockedForSeconds("203.0.113.7")).isZero();

        throttle.recordFailure("203.0.113.7");

        assertThat(throttle.blockedForSeconds("203.0.113.7")).isEqualTo(300);
        clock.advance(Duration.ofSeconds(299));
        assertThat(throttle.blockedForSeconds("203.0.113.7")).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.blockedForSeconds("203.0.113.7")).isZero();
    }

    @Test
    void anotherSourceIsNotBlockedBySomeoneElsesFailures() {
        for (int i = 0; i < 10; i++) {
            throttle.recordFailure("203.0.113.7");
        }

        assertThat(throttle.blockedForSeconds("198.51.100.1")).isZero();
        assertThat(throttle.blockedForSeconds("127.0.0.1")).isZero();
    }

    @Test
    void failuresSpreadOverMoreThanTheWindowDoNotBlock() {
        throttle.recordFailure("203.0.113.7");
        throttle.recordFailure("203.0.113.7");
        clock.advance(Duration.ofSeconds(61));
        throttle.recordFailure("203.0.113.7");
        throttle.recordFailure("203.0.113.7");

        assertThat(throttle.blockedForSeconds("203.0.113.7")).isZero();
    }

    @Test
    void theAddressesOfOneIpv6SlashSixtyFourCountTogether() {
        throttle.recordFailure("2001:db8:1:2::1");
        throttle.recordFailure("2001:db8:1:2:aaaa::2");
        throttle.recordFailure("2001:db8:1:2:ffff:ffff:ffff:ffff");

        assertThat(throttle.blockedForSeconds("2001:db8:1:2::99")).isPositive();
        assertThat(throttle.blockedForSeconds("2001:db8:1:3::1")).isZero();
        assertThat(FailedAuthThrottle.sourceKey("2001:db8:1:2:ab::1")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(FailedAuthThrottle.sourceKey("192.0.2.1")).isEqualTo("192.0.2.1");
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
