package dev.mailroom.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.server.MailroomProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code mailroom.webhooks.*}: the defaults the README promises, and settings that cannot work refused at startup. */
class WebhookPropertiesTest {
    private static MailroomProperties.Webhooks bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("mailroom", MailroomProperties.class)
                .webhooks();
    }

    @Test
    void theDefaultsLeaveRoomForTheBenchmarkAndBlockGuessers() {
        MailroomProperties.Webhooks defaults = bind(Map.of());

        assertThat(defaults.maxBodyBytes()).isEqualTo(5 * 1024 * 1024);
        assertThat(defaults.maxConcurrentCalls()).isEqualTo(64);
        assertThat(defaults.maxCallsPerSecond()).isEqualTo(5000);
        assertThat(defaults.maxInFlightBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(defaults.maxEventAge()).isEqualTo(Duration.ofDays(30));
        assertThat(defaults.maxEventAhead()).isEqualTo(Duration.ofMinutes(15));
        assertThat(defaults.authFailures())
                .isEqualTo(
                        new MailroomProperties.AuthFailures(10, Duration.ofMinutes(1), Duration.ofMinutes(5), 100_000));
        assertThat(defaults).isEqualTo(new MailroomProperties.Webhooks(Duration.ofMinutes(5), 5 * 1024 * 1024));
    }

    @Test
    void everyLimitCanBeSet() {
        MailroomProperties.Webhooks set = bind(Map.of(
                "mailroom.webhooks.max-concurrent-calls",
                "8",
                "mailroom.webhooks.max-calls-per-second",
                "100",
                "mailroom.webhooks.max-in-flight-bytes",
                "10485760",
                "mailroom.webhooks.max-event-age",
                "P7D",
                "mailroom.webhooks.max-event-ahead",
                "PT1M",
                "mailroom.webhooks.auth-failures.max",
                "3",
                "mailroom.webhooks.auth-failures.window",
                "PT10M",
                "mailroom.webhooks.auth-failures.block-for",
                "PT1H",
                "mailroom.webhooks.auth-failures.max-sources",
                "50"));

        assertThat(set.maxConcurrentCalls()).isEqualTo(8);
        assertThat(set.maxCallsPerSecond()).isEqualTo(100);
        assertThat(set.maxInFlightBytes()).isEqualTo(10_485_760L);
        assertThat(set.maxEventAge()).isEqualTo(Duration.ofDays(7));
        assertThat(set.maxEventAhead()).isEqualTo(Duration.ofMinutes(1));
        assertThat(set.authFailures())
                .isEqualTo(new MailroomProperties.AuthFailures(3, Duration.ofMinutes(10), Duration.ofHours(1), 50));
    }

    @Test
    void aByteBudgetSmallerThanOneBodyOrAZeroLimitStopsTheStart() {
        assertThatThrownBy(() -> bind(Map.of("mailroom.webhooks.max-in-flight-bytes", "1000")))
                .isInstanceOf(BindException.class)
                .rootCause()
                .hasMessageContaining("max-in-flight-bytes");
        assertThatThrownBy(() -> bind(Map.of("mailroom.webhooks.max-concurrent-calls", "0")))
                .isInstanceOf(BindException.class);
        assertThatThrownBy(() -> bind(Map.of("mailroom.webhooks.auth-failures.max", "0")))
                .isInstanceOf(BindException.class);
    }
}
