package dev.mailroom.server.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SendPacerTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private final SendPacer pacer = new SendPacer();

    @Test
    void aShareOfSixteenAndTwoThirdsPerSecondIsOneSendEverySixtyMillisecondsNotSixteenPerSecond() {
        long now = 0;
        int inFirstSecond = 0;
        long sentAt = 0;
        while (sentAt < SECOND) {
            long wait = pacer.reserve(now, 50 / 3.0, SECOND * 10);
            sentAt = now + wait;
            if (sentAt < SECOND) {
                inFirstSecond++;
            }
        }
        assertThat(inFirstSecond).isEqualTo(17); // at 0, 60, … 960 ms
        // The loop took the slot at 1,020 ms too: the next is at 1,080 ms.
        assertThat(pacer.backlog(0)).isEqualTo(Duration.ofMillis(1080).toNanos());
    }

    @Test
    void anIdlePacerSavesNothingUpSoNoSecondSeesABurst() {
        pacer.reserve(0, 10, 0);
        long later = 5 * SECOND;
        int now = 0;
        for (int i = 0; i < 20; i++) {
            if (pacer.reserve(later, 10, 0) == 0) {
                now++;
            }
        }
        assertThat(now).as("sends allowed at once after idling").isEqualTo(1);
    }

    @Test
    void aSlotFurtherThanTheWaitIsNotTakenAndNoShareMeansNoSlot() {
        assertThat(pacer.reserve(0, 1, 0)).isZero();
        assertThat(pacer.reserve(0, 1, SECOND / 2)).isEqualTo(-1);
        assertThat(pacer.reserve(0, 1, SECOND)).isEqualTo(SECOND);
        assertThat(pacer.reserve(0, 0, SECOND * 100)).isEqualTo(-1);
    }

    @Test
    void aNewRateAppliesFromTheNextSlotOn() {
        pacer.reserve(0, 10, SECOND);
        assertThat(pacer.reserve(0, 2, SECOND)).isEqualTo(SECOND / 10);
        assertThat(pacer.reserve(0, 2, SECOND)).isEqualTo(SECOND / 10 + SECOND / 2);
    }
}
