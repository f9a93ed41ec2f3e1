package dev.mailroom.server.providers.resend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.providers.EmailSender;
import dev.mailroom.server.providers.WebhookReceiver;
import dev.mailroom.server.providers.support.ProviderHttpClients;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.client.RestClient;

/**
 * The sender exists only in a dispatcher with an API key, the receiver only in a webhook sink
 * with a signing secret: each side can be configured (and run) alone.
 */
class ResendProviderWiringTest {
    private static final String KEY = "mailroom.providers.resend.api-key=re_test_key";
    private static final String SECRET =
            "mailroom.providers.resend.webhook-secret=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({ResendProperties.class, MailroomProperties.class})
    @Import({ResendSender.class, ResendWebhookReceiver.class})
    static class Wiring {
        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }

        @Bean
        RestClient.Builder providerRestClient() {
            return ProviderHttpClients.newRestClientBuilder();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Wiring.class);

    @Test
    void withAKeyAndASecretBothSidesExist() {
        runner.withPropertyValues(KEY, SECRET).run(context -> {
            assertThat(context.getBean(EmailSender.class).name()).isEqualTo("resend");
            assertThat(context.getBean(WebhookReceiver.class).provider()).isEqualTo("resend");
        });
    }

    @Test
    void withNeitherThereIsNoResendProvider() {
        runner.run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(EmailSender.class)
                .doesNotHaveBean(WebhookReceiver.class));
    }

    @Test
    void aWebhookSinkNeedsOnlyTheSecretAndADispatcherOnlyTheKey() {
        runner.withPropertyValues(SECRET, "mailroom.roles=webhooks")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(WebhookReceiver.class)
                        .doesNotHaveBean(EmailSender.class));
        runner.withPropertyValues(KEY, "mailroom.roles=dispatcher")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(EmailSender.class)
                        .doesNotHaveBean(WebhookReceiver.class));
    }

    @Test
    void aProcessWithoutTheRolesHasNeitherSideEvenWhenConfigured() {
        runner.withPropertyValues(KEY, SECRET, "mailroom.roles=api,operator")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(EmailSender.class)
                        .doesNotHaveBean(WebhookReceiver.class));
    }

    @Test
    void aSecretThatIsNotASigningSecretStopsTheStartWithoutPrintingIt() {
        runner.withPropertyValues("mailroom.providers.resend.webhook-secret=whsec_!!typo!!")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("webhook-secret")
                            .hasMessageNotContaining("typo");
                });
    }
}
