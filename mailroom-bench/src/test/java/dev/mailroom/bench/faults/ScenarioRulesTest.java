package dev.mailroom.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ScenarioRulesTest {
    @Test
    void aMessageEndsInTheStatusOfItsFurthestEvent() {
        assertThat(WebhookChaos.expectedStatus(Set.of("delivered", "open", "click")))
                .isEqualTo("CLICKED");
        assertThat(WebhookChaos.expectedStatus(Set.of("delivered", "open"))).isEqualTo("OPENED");
        assertThat(WebhookChaos.expectedStatus(Set.of("delivered"))).isEqualTo("DELIVERED");
    }

    @Test
    void killsArePacedToLastAsLongAsTheRestarts() {
        // 5 cycles of (10 s restart + 2 s working) + 5 s = 65 s for 6,500 emails.
        assertThat(KillScenario.rateFor(6_500, 5, 10)).isEqualTo(100.0);
        assertThat(KillScenario.rateFor(10, 5, 10)).isEqualTo(20.0);
        assertThat(KillScenario.rateFor(10_000_000, 1, 1)).isEqualTo(1000.0);
    }

    @Test
    void everyQueueGetsPoisonOfEachKindWithItsOwnId() {
        var poisons = PoisonMessages.poisons("t");
        assertThat(poisons)
                .extracting(PoisonMessages.Poison::queue)
                .contains("mailroom.mailbox", "mailroom.dispatching", "mailroom.tracking");
        assertThat(poisons).extracting(PoisonMessages.Poison::messageId).doesNotHaveDuplicates();
        assertThat(poisons).hasSize(22);
    }
}
