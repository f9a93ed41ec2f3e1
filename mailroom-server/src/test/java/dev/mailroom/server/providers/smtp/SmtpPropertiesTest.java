package dev.mailroom.server.providers.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** How {@code mailroom.providers.smtp.*} binds, with Spring Boot's own binder. */
class SmtpPropertiesTest {

    private static SmtpProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("mailroom.providers.smtp", SmtpProperties.class);
    }

    @Test
    void onlyTheHostIsNeededPort25WithoutStarttlsAndFiniteTimeoutsAreTheDefaults() {
        SmtpProperties p = bind(Map.of("mailroom.providers.smtp.host", "relay.example"));

        assertThat(p.host()).isEqualTo("relay.example");
        assertThat(p.port()).isEqualTo(25);
        assertThat(p.starttls()).isFalse();
        assertThat(p.authenticates()).isFalse();
        assertThat(p.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void everySettingBindsFromItsKebabCaseName() {
        SmtpProperties p = bind(Map.of(
                "mailroom.providers.smtp.host", "smtp.example",
                "mailroom.providers.smtp.port", "587",
                "mailroom.providers.smtp.username", "mailer",
                "mailroom.providers.smtp.password", "pw",
                "mailroom.providers.smtp.starttls", "true",
                "mailroom.providers.smtp.connect-timeout", "3s",
                "mailroom.providers.smtp.read-timeout", "1m"));

        assertThat(p)
                .isEqualTo(new SmtpProperties(
                        "smtp.example", 587, "mailer", "pw", true, Duration.ofSeconds(3), Duration.ofMinutes(1)));
        assertThat(p.authenticates()).isTrue();
    }

    @Test
    void anEmptyUsernameMeansNoAuthentication() {
        assertThat(bind(Map.of("mailroom.providers.smtp.host", "relay.example", "mailroom.providers.smtp.username", ""))
                        .authenticates())
                .isFalse();
    }

    @Test
    void theSettingsPrintedInALogNeverShowThePassword() {
        SmtpProperties p = new SmtpProperties("smtp.example", 587, "mailer", "hunter2", true, null, null);

        assertThat(p.toString())
                .doesNotContain("hunter2")
                .contains("password=****")
                .contains("smtp.example");
    }

    @Test
    void aZeroTimeoutIsRefusedBecauseTheMailLibraryWouldWaitForever() {
        assertThatThrownBy(() -> new SmtpProperties("smtp.example", 25, null, null, false, Duration.ZERO, null))
                .hasMessageContaining("connect-timeout");
    }

    @Test
    void credentialsWithoutStarttlsAreRefusedAtStartUnlessPlaintextLoginIsAllowedExplicitly() {
        Map<String, String> clear = Map.of(
                "mailroom.providers.smtp.host",
                "relay.example",
                "mailroom.providers.smtp.username",
                "mailer",
                "mailroom.providers.smtp.password",
                "pw");

        assertThatThrownBy(() -> bind(clear))
                .hasStackTraceContaining("mailroom.providers.smtp.starttls=true")
                .hasStackTraceContaining("allow-plaintext-login");

        Map<String, String> allowed = new java.util.HashMap<>(clear);
        allowed.put("mailroom.providers.smtp.allow-plaintext-login", "true");
        assertThat(bind(allowed).allowPlaintextLogin()).isTrue();
        assertThat(bind(allowed).authenticates()).isTrue();
    }
}
