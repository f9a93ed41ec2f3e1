package dev.mailroom.server.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.MetricsProperties;
import dev.mailroom.server.Role;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.mock.env.MockEnvironment;

/**
 * The consumer lag a process records from {@link QueueNames#PUBLISHED_AT_HEADER}: whoever published the message set
 * it, so a forged time is not believed.
 */
class ConsumerLagTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final QueueMetrics metrics = new QueueMetrics(
            new StaticListableBeanFactory().getBeanProvider(org.springframework.amqp.core.AmqpAdmin.class),
            meters,
            null,
            new MetricsProperties(Duration.ofSeconds(5), Duration.ofSeconds(15)),
            new MockEnvironment().withProperty(Role.PROPERTY, "dispatcher"));

    @Test
    void aMessagePublishedTwoSecondsAgoIsTakenWithTwoSecondsOfLag() {
        metrics.postProcessMessage(taken(System.currentTimeMillis() - 2_000));

        Timer lag = lag();
        assertThat(lag.count()).isEqualTo(1);
        assertThat(lag.max(TimeUnit.MILLISECONDS)).isBetween(2_000.0, 60_000.0);
    }

    @Test
    void aForgedPublicationTimeIsNotMeasured() {
        long now = System.currentTimeMillis();
        metrics.postProcessMessage(taken(0L));
        metrics.postProcessMessage(taken(Long.MIN_VALUE));
        metrics.postProcessMessage(taken(now - QueueMetrics.MAX_LAG_MILLIS - 60_000));
        metrics.postProcessMessage(taken(now + QueueMetrics.MAX_SKEW_MILLIS + 60_000));
        metrics.postProcessMessage(taken(Long.MAX_VALUE));

        assertThat(lag().count()).isZero();
    }

    @Test
    void aPublicationTimeIsBelievedFromADayAgoToAMinuteAhead() {
        long now = 1_700_000_000_000L;
        assertThat(QueueMetrics.plausible(now - QueueMetrics.MAX_LAG_MILLIS, now))
                .isTrue();
        assertThat(QueueMetrics.plausible(now + QueueMetrics.MAX_SKEW_MILLIS, now))
                .isTrue();
        assertThat(QueueMetrics.plausible(now - QueueMetrics.MAX_LAG_MILLIS - 1, now))
                .isFalse();
        assertThat(QueueMetrics.plausible(now + QueueMetrics.MAX_SKEW_MILLIS + 1, now))
                .isFalse();
    }

    private Timer lag() {
        return meters.get("mailroom.queue.consumer.lag")
                .tag("queue", QueueNames.DISPATCHING)
                .timer();
    }

    private static Message taken(long publishedAt) {
        MessageProperties properties = new MessageProperties();
        properties.setConsumerQueue(QueueNames.DISPATCHING);
        properties.setHeader(QueueNames.PUBLISHED_AT_HEADER, publishedAt);
        return new Message(new byte[0], properties);
    }
}
