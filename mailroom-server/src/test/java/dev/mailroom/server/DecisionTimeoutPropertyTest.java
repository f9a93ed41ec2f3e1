package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** mailroom.api.decision-timeout: ten seconds unless set, and never zero or negative. */
class DecisionTimeoutPropertyTest {

    private static MailroomProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("mailroom", MailroomProperties.class);
    }

    @Test
    void theApiWaitsTenSecondsForADecisionUnlessConfigured() {
        assertThat(bind(Map.of()).api().decisionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(new MailroomProperties.Api("key").decisionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(bind(Map.of("mailroom.api.decision-timeout", "PT3S")).api().decisionTimeout())
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aTimeoutThatIsNotPositiveStopsTheStartNamingTheProperty() {
        assertThatThrownBy(() -> bind(Map.of("mailroom.api.decision-timeout", "PT0S")))
                .rootCause()
                .hasMessageContaining("mailroom.api.decision-timeout must be positive");
    }
}
