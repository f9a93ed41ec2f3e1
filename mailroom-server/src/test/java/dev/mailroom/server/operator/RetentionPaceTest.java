package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A retention run waits between batches so that its batches take at most their share of the run's time. */
class RetentionPaceTest {
    private static final long MS = 1_000_000;

    private long now;
    private final List<Long> sleeps = new ArrayList<>();

    private RetentionPace pace(double share, boolean[] running) {
        return new RetentionPace(share, () -> running[0], () -> now, nanos -> {
            sleeps.add(nanos / MS);
            now += nanos;
            return true;
        });
    }

    @Test
    void atAQuarterEachBatchIsFollowedByThreeTimesItsDuration() {
        RetentionPace pace = pace(0.25, new boolean[] {true});

        assertThat(pace.getAsBoolean()).isTrue();
        now += 100 * MS; // a batch of 100 ms
        assertThat(pace.getAsBoolean()).isTrue();
        now += 40 * MS; // one of 40 ms
        assertThat(pace.getAsBoolean()).isTrue();

        assertThat(sleeps).containsExactly(300L, 120L);
        assertThat(140.0 / (now / MS)).isEqualTo(0.25);
    }

    @Test
    void aShareOfOneNeverWaits() {
        RetentionPace pace = pace(1, new boolean[] {true});

        for (int i = 0; i < 5; i++) {
            now += 70 * MS;
            assertThat(pace.getAsBoolean()).isTrue();
        }

        assertThat(sleeps).isEmpty();
    }

    @Test
    void theShareHoldsOverTheWholeRunWhateverTheBatchesTook() {
        RetentionPace pace = pace(0.4, new boolean[] {true});
        long worked = 0;

        for (long batch : new long[] {5, 250, 1, 90, 900, 33}) {
            now += batch * MS;
            worked += batch;
            assertThat(pace.getAsBoolean()).isTrue();
            assertThat(worked / (now / (double) MS)).isBetween(0.399, 0.401);
        }
    }

    @Test
    void aStoppingOperatorGoesOnNoMoreAndDoesNotWait() {
        boolean[] running = {true};
        RetentionPace pace = pace(0.1, running);
        now += 100 * MS;
        running[0] = false;

        assertThat(pace.getAsBoolean()).isFalse();
        assertThat(sleeps).isEmpty();
    }

    @Test
    void anInterruptedWaitEndsTheRun() {
        RetentionPace pace = new RetentionPace(0.5, () -> true, () -> now, nanos -> false);
        now += 100 * MS;

        assertThat(pace.getAsBoolean()).isFalse();
    }
}
