package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The settings that were read one by one with @Value bind into the typed properties, defaults included. */
class MailroomPropertiesBindingTest {

    private static MailroomProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("mailroom", MailroomProperties.class);
    }

    @Test
    void brokerAndProviderSettingsHaveTheirDocumentedDefaults() {
        MailroomProperties properties = bind(Map.of());

        assertThat(properties.broker().kind()).isEqualTo("rabbitmq");
        assertThat(properties.broker().confirmTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(properties.broker().deliveryLimit()).isEqualTo(10);
        assertThat(properties.providers().defaultProvider()).isNull();
        assertThat(properties.providers().failover()).isEmpty();
        assertThat(properties.operator().releaseInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(properties.operator().settingsBroadcastInterval()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void webhookEndpointsMustBeHttpsToPublicHostsUnlessAllowed() {
        assertThat(bindNotifier(Map.of()).targets()).isEqualTo(WebhookTargets.Rules.PRODUCTION);
        assertThat(bindNotifier(Map.of(
                                "mailroom.notifier.allow-http", "true",
                                "mailroom.notifier.allow-private-addresses", "true"))
                        .targets())
                .isEqualTo(new WebhookTargets.Rules(true, true));
    }

    private static NotifierProperties bindNotifier(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("mailroom.notifier", NotifierProperties.class);
    }

    @Test
    void aBlankDefaultProviderMeansNoneWasChosen() {
        assertThat(bind(Map.of("mailroom.providers.default", "  ")).providers().defaultProvider())
                .isNull();
    }

    @Test
    void theDefaultProviderAndACommaSeparatedFailoverListBind() {
        MailroomProperties properties = bind(Map.of(
                "mailroom.providers.default", " postmark ",
                "mailroom.providers.failover", " sendgrid , ses,,",
                "mailroom.providers.sendgrid.api-key", "a provider's own settings are not ours",
                "mailroom.broker.kind", "qpid",
                "mailroom.broker.confirm-timeout", "PT3S",
                "mailroom.broker.delivery-limit", "4"));

        assertThat(properties.providers().defaultProvider()).isEqualTo("postmark");
        assertThat(properties.providers().failover()).isEqualTo(List.of("sendgrid", "ses"));
        assertThat(properties.broker().isRabbitMq()).isFalse();
        assertThat(properties.broker().confirmTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(properties.broker().deliveryLimit()).isEqualTo(4);
    }
}
