package dev.mailroom.server.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LanesTest {
    private final AtomicLong now =
            new AtomicLong(Instant.parse("2026-12-06T12:00:00.500Z").toEpochMilli());
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    @Test
    void anOrganizationStaysOnThePromptLaneUpToItsFairRateAndTakesTheBulkLaneAboveIt() {
        Lanes.Rates rates = new Lanes(new FairnessProperties(50), clock).rates();

        for (int i = 0; i < 50; i++) {
            assertThat(rates.laneFor("a", 1)).as("email %d", i).isEqualTo(Lane.PROMPT);
        }
        assertThat(rates.laneFor("a", 1)).isEqualTo(Lane.BULK);
        assertThat(rates.laneFor("b", 1))
                .as("another organization is judged alone")
                .isEqualTo(Lane.PROMPT);
    }

    @Test
    void aBatchLargerThanTheFairRateGoesInBulkAtOnce() {
        Lanes.Rates rates = new Lanes(new FairnessProperties(50), clock).rates();

        assertThat(rates.laneFor("a", 500)).isEqualTo(Lane.BULK);
    }

    @Test
    void theRateSlidesSoABurstIsForgottenASecondLater() {
        Lanes.Rates rates = new Lanes(new FairnessProperties(50), clock).rates();
        rates.laneFor("a", 100);

        now.addAndGet(1000);
        assertThat(rates.laneFor("a", 1))
                .as("a second later, half of the burst still counts")
                .isEqualTo(Lane.BULK);
        now.addAndGet(2000);
        assertThat(rates.laneFor("a", 1)).isEqualTo(Lane.PROMPT);
    }

    @Test
    void zeroPutsEverythingOnThePromptLane() {
        Lanes.Rates rates = new Lanes(new FairnessProperties(0), clock).rates();

        assertThat(rates.laneFor("a", 100_000)).isEqualTo(Lane.PROMPT);
    }
}
