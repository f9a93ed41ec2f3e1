package dev.mailroom.server.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.NotifierProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class RetryScheduleTest {
    private static NotifierProperties defaults() {
        return new Binder(new MapConfigurationPropertySource(Map.of("mailroom.notifier.batch-size", "100")))
                .bindOrCreate("mailroom.notifier", NotifierProperties.class);
    }

    @Test
    void theDefaultScheduleRetriesForMoreThanADayEvenAtTheShortestDraws() {
        NotifierProperties settings = defaults();

        Duration shortest =
                settings.retrySchedule().stream().map(step -> step.dividedBy(2)).reduce(Duration.ZERO, Duration::plus);

        assertThat(shortest).isGreaterThan(Duration.ofHours(24));
        assertThat(settings.retrySchedule().get(0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.maxInFlightPerEndpoint()).isEqualTo(16);
        assertThat(settings.disableAfter()).isEqualTo(Duration.ofDays(5));
    }

    @RepeatedTest(20)
    void eachWaitIsDrawnBetweenHalfItsStepAndTheWholeStep() {
        List<Duration> schedule = List.of(Duration.ofSeconds(10), Duration.ofMinutes(10));

        assertThat(Notifier.backoff(schedule, 1)).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
        assertThat(Notifier.backoff(schedule, 2)).isBetween(Duration.ofMinutes(5), Duration.ofMinutes(10));
    }
}
