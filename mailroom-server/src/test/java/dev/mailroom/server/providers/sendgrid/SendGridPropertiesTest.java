package dev.mailroom.server.providers.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** How {@code mailroom.providers.sendgrid.*} binds, with Spring Boot's own binder. */
class SendGridPropertiesTest {

    private static SendGridProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("mailroom.providers.sendgrid", SendGridProperties.class);
    }

    @Test
    void theBaseUrlDefaultsToSendGridsApi() {
        SendGridProperties p = bind(Map.of("mailroom.providers.sendgrid.api-key", "SG.key"));

        assertThat(p).isEqualTo(new SendGridProperties("SG.key", "https://api.sendgrid.com", null));
        assertThat(p.hasWebhookPublicKey()).isFalse();
    }

    @Test
    void everySettingBindsFromItsKebabCaseNameAndTheBaseUrlLosesItsTrailingSlash() {
        SendGridProperties p = bind(Map.of(
                "mailroom.providers.sendgrid.api-key", "SG.key",
                "mailroom.providers.sendgrid.base-url", "http://127.0.0.1:8089/sendgrid/",
                "mailroom.providers.sendgrid.webhook-public-key", SendGridTestKeys.PUBLIC_KEY));

        assertThat(p)
                .isEqualTo(new SendGridProperties(
                        "SG.key", "http://127.0.0.1:8089/sendgrid", SendGridTestKeys.PUBLIC_KEY));
        assertThat(p.hasWebhookPublicKey()).isTrue();
    }

    @Test
    void aBaseUrlThatIsNotHttpIsRefused() {
        assertThatThrownBy(() -> new SendGridProperties("SG.key", "api.sendgrid.com", null))
                .hasMessageContaining("base-url");
    }

    @Test
    void theSettingsPrintedInALogNeverShowTheApiKey() {
        assertThat(new SendGridProperties("SG.secret-value", null, null).toString())
                .doesNotContain("secret-value")
                .contains("apiKey=****");
    }
}
