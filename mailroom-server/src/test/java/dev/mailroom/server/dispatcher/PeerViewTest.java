package dev.mailroom.server.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PeerViewTest {
    private final AtomicLong now = new AtomicLong();
    private final PeerView view = new PeerView("me", Duration.ofSeconds(1), now::get);

    private void at(long millis) {
        now.set(Duration.ofMillis(millis).toNanos());
    }

    private boolean hear(String who, String... sees) {
        return view.heard(new PeerView.Heartbeat(who, Set.of(sees), false));
    }

    @Test
    void aDispatcherAloneTakesTheWholeLimitOnceItHeardItselfAndWaitedOneAndAHalfHeartbeats() {
        assertThat(view.share(50)).as("not heard itself yet").isZero();
        hear("me", "me");
        at(1000);
        assertThat(view.share(50)).as("still joining").isZero();
        hear("me", "me");
        at(1500);
        assertThat(view.share(50)).isEqualTo(50.0);
    }

    @Test
    void threeLiveDispatchersTakeAThirdEachWithoutRoundingDown() {
        hear("me", "me");
        hear("b", "b", "me");
        hear("c", "c", "me");
        at(1500);
        assertThat(view.live()).containsExactly("b", "c", "me");
        assertThat(view.share(50)).isCloseTo(16.6667, within(0.001));
    }

    @Test
    void aNewcomerWaitsUntilEveryPeerSeesItSoThatTheSharesNeverAddUpToMoreThanTheLimit() {
        hear("me", "me");
        hear("old", "old");
        at(1500);
        assertThat(view.share(50)).as("the old one does not list me yet").isZero();
        hear("old", "old", "me");
        assertThat(view.share(50)).isEqualTo(25.0);
    }

    @Test
    void aPeerThatNeverListsTheNewcomerHoldsItBackOnlyForTheLivenessWindow() {
        hear("me", "me");
        hear("deaf", "deaf");
        at(2000);
        hear("me", "me");
        hear("deaf", "deaf");
        assertThat(view.share(50)).isZero();
        at(3000);
        assertThat(view.share(50)).isEqualTo(25.0);
    }

    @Test
    void aPeerNotHeardForThreeHeartbeatsIsGoneAndItsShareComesBack() {
        hear("me", "me");
        hear("b", "b", "me");
        at(1500);
        assertThat(view.share(60)).isEqualTo(30.0);
        for (long t = 2000; t <= 5000; t += 1000) {
            at(t);
            hear("me", "me", "b");
        }
        // b last heard at 0 ms: gone after 3 s.
        assertThat(view.live()).containsExactly("me");
        assertThat(view.share(60)).isEqualTo(60.0);
    }

    @Test
    void aPeerThatSaysItLeavesIsGoneAtOnce() {
        hear("me", "me");
        hear("b", "b", "me");
        at(1500);
        view.heard(new PeerView.Heartbeat("b", Set.of(), true));
        assertThat(view.share(60)).isEqualTo(60.0);
    }

    @Test
    void aNewcomerLowersTheSharesOfTheOthersAsSoonAsTheyHearIt() {
        hear("me", "me");
        at(1500);
        assertThat(view.share(60)).isEqualTo(60.0);
        assertThat(hear("new", "new")).as("a newcomer is answered at once").isTrue();
        assertThat(view.share(60)).isEqualTo(30.0);
        assertThat(hear("new", "new", "me")).as("then it is no newcomer").isFalse();
    }

    @Test
    void aDispatcherThatStopsHearingItselfTakesNoShareAndJoinsAgainWhenItHearsItself() {
        hear("me", "me");
        at(1500);
        assertThat(view.share(50)).isEqualTo(50.0);
        at(2100);
        assertThat(view.share(50))
                .as("not heard itself for two heartbeats: it stops before the others (three) count it out")
                .isZero();
        at(4100);
        assertThat(view.share(50))
                .as("cut off from the broker: the others count it out")
                .isZero();
        hear("me", "me");
        assertThat(view.share(50)).as("joining again").isZero();
        at(5600);
        assertThat(view.share(50)).isEqualTo(50.0);
    }
}
