package dev.mailroom.server.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendPacerTest {
    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final long FAR = 100 * SECOND;
    private final FakeTime time = new FakeTime();
    private final SendPacer pacer = new SendPacer();

    private List<Long> grantTimes(int sends, double perSecond) throws InterruptedException {
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < sends; i++) {
            assertThat(pacer.take(time, () -> perSecond, time.nanos() + FAR).granted())
                    .isTrue();
            at.add(time.nanos());
        }
        return at;
    }

    @Test
    void aShareOfSixteenAndTwoThirdsPerSecondIsOneSendEverySixtyMillisecondsNotSixteenPerSecond()
            throws InterruptedException {
        List<Long> at = grantTimes(20, 50 / 3.0);

        assertThat(at.stream().filter(t -> t < SECOND).count()).isEqualTo(17); // 0, 60, … 960 ms
        for (int i = 1; i < at.size(); i++) {
            assertThat(at.get(i) - at.get(i - 1))
                    .isEqualTo(Duration.ofMillis(60).toNanos());
        }
    }

    @Test
    void anIdlePacerSavesNothingUpSoNoSecondSeesABurst() throws InterruptedException {
        grantTimes(1, 10);
        time.advance(Duration.ofSeconds(5));
        long idleEnd = time.nanos();

        List<Long> at = grantTimes(3, 10);

        assertThat(at).containsExactly(idleEnd, idleEnd + SECOND / 10, idleEnd + 2 * SECOND / 10);
    }

    @Test
    void aSenderThatWakesLateTakesTheNextSlotFromThenOnNoBurstAfterAStall() throws InterruptedException {
        grantTimes(1, 10);
        // A stall of a whole second: ten slots went by unused.
        time.advance(Duration.ofSeconds(1));
        long woke = time.nanos();

        List<Long> at = grantTimes(3, 10);

        assertThat(at).containsExactly(woke, woke + SECOND / 10, woke + 2 * SECOND / 10);
    }

    @Test
    void aSlotAfterTheDeadlineIsRefusedWithWhenItWouldComeAndNoShareMeansNoSlot() throws InterruptedException {
        assertThat(pacer.take(time, () -> 1, time.nanos()).granted()).isTrue();

        SendPacer.Turn refused = pacer.take(time, () -> 1, time.nanos() + SECOND / 2);

        assertThat(refused.granted()).isFalse();
        assertThat(refused.comesInNanos()).isEqualTo(SECOND);
        assertThat(time.nanos()).as("refused at once, not after waiting").isZero();
        SendPacer.Turn noShare = pacer.take(time, () -> 0, time.nanos() + SECOND);
        assertThat(noShare.granted()).isFalse();
        assertThat(time.nanos()).as("waited for a share until the deadline").isEqualTo(SECOND);
    }

    @Test
    void aNewRateAppliesFromTheNextSlotOn() throws InterruptedException {
        grantTimes(2, 10); // at 0 and 100 ms; the next slot is at 200 ms
        List<Long> at = grantTimes(2, 2);
        assertThat(at).containsExactly(SECOND / 5, SECOND / 5 + SECOND / 2);
    }
}
