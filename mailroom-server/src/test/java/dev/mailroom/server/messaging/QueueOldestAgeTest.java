package dev.mailroom.server.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.Role;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.QueueInformation;

/** What {@code mailroom_queue_oldest_age_seconds} says, from the samples and the takes a process saw. */
class QueueOldestAgeTest {
    private static final long T0 = 1_700_000_000_000L;

    private final QueueMetrics.Watched queue = new QueueMetrics.Watched(QueueNames.MAILBOX, null);

    @Test
    void isUnknownBeforeTheFirstSample() {
        assertThat(queue.oldestAgeSeconds(T0)).isNaN();
    }

    @Test
    void isZeroWhenTheLastSampleFoundTheQueueEmpty() {
        queue.sampled(new QueueInformation(QueueNames.MAILBOX, 0, 2), T0);

        assertThat(queue.oldestAgeSeconds(T0 + 60_000)).isZero();
    }

    @Test
    void isTheTimeSinceTheQueueWasLastSeenEmptyWhenNothingWasTakenSince() {
        queue.sampled(new QueueInformation(QueueNames.MAILBOX, 0, 1), T0);
        queue.sampled(new QueueInformation(QueueNames.MAILBOX, 40, 1), T0 + 5_000);

        assertThat(queue.oldestAgeSeconds(T0 + 12_000)).isEqualTo(12.0);
    }

    @Test
    void isBoundedByThePublicationOfTheLastMessageTakenWhenThatIsTighter() {
        queue.sampled(new QueueInformation(QueueNames.MAILBOX, 0, 1), T0);
        queue.sampled(new QueueInformation(QueueNames.MAILBOX, 500, 1), T0 + 60_000);
        queue.lastTakenPublishedAt = T0 + 59_000;

        assertThat(queue.oldestAgeSeconds(T0 + 60_000)).isEqualTo(1.0);
    }

    @Test
    void isUnknownForAQueueNeverSeenEmptyNorConsumedHere() {
        queue.sampled(new QueueInformation(QueueNames.MAILBOX, 7, 0), T0);

        assertThat(queue.oldestAgeSeconds(T0 + 1_000)).isNaN();
    }

    @Test
    void isUnknownWhileTheBrokerCannotBeAsked() {
        queue.sampled(new QueueInformation(QueueNames.MAILBOX, 0, 1), T0);
        queue.sampled(null, T0 + 5_000);

        assertThat(queue.oldestAgeSeconds(T0 + 5_000)).isNaN();
        assertThat(queue.depth).isNaN();
    }

    @Test
    void eachRoleMeasuresTheLagOfTheQueuesItConsumes() {
        assertThat(QueueMetrics.consumedBy(EnumSet.of(Role.DISPATCHER)))
                .containsExactly(QueueNames.DISPATCHING, QueueNames.DISPATCHING_BULK);
        assertThat(QueueMetrics.consumedBy(EnumSet.of(Role.API, Role.WEBHOOKS))).isEmpty();
        assertThat(QueueMetrics.consumedBy(Set.of(Role.values())))
                .containsExactlyInAnyOrderElementsOf(QueueMetrics.WORK_QUEUES);
    }
}
