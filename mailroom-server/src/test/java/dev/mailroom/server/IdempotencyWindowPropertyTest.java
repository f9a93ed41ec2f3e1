package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** mailroom.api.idempotency-window: a day unless set, and never zero or negative. */
class IdempotencyWindowPropertyTest {

    private static MailroomProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("mailroom", MailroomProperties.class);
    }

    @Test
    void anIdempotencyKeyIsKeptForADayUnlessConfigured() {
        assertThat(bind(Map.of()).api().idempotencyWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(new MailroomProperties.Api("key").idempotencyWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(bind(Map.of("mailroom.api.idempotency-window", "PT2H")).api().idempotencyWindow())
                .isEqualTo(Duration.ofHours(2));
    }

    @Test
    void aWindowThatIsNotPositiveStopsTheStartNamingTheProperty() {
        assertThatThrownBy(() -> bind(Map.of("mailroom.api.idempotency-window", "PT0S")))
                .rootCause()
                .hasMessageContaining("mailroom.api.idempotency-window must be positive");
    }
}
