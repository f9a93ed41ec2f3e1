package dev.mailroom.server.providers.sendgrid;

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
 * The sendgrid sender exists in a dispatcher with an API key, the webhook receiver in a webhook sink
 * with a verification key; a sink given a broken verification key does not start.
 */
class SendGridProviderWiringTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({SendGridProperties.class, MailroomProperties.class})
    @Import({SendGridSender.class, SendGridWebhookReceiver.class})
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
    void aDispatcherWithAnApiKeySendsThroughSendGridAtItsDefaultAddress() {
        runner.withPropertyValues("mailroom.providers.sendgrid.api-key=SG.key").run(context -> {
            assertThat(context).hasSingleBean(EmailSender.class);
            assertThat(context.getBean(EmailSender.class).name()).isEqualTo("sendgrid");
            assertThat(context.getBean(SendGridProperties.class).baseUrl()).isEqualTo("https://api.sendgrid.com");
        });
    }

    @Test
    void withoutAnApiKeyOrAVerificationKeyThereIsNeitherSenderNorReceiver() {
        runner.run(context -> assertThat(context)
                .hasNotFailed()
                .doesNotHaveBean(EmailSender.class)
                .doesNotHaveBean(WebhookReceiver.class));
    }

    @Test
    void aWebhookSinkNeedsNoApiKeyToReceiveEvents() {
        runner.withPropertyValues("mailroom.providers.sendgrid.webhook-public-key=" + SendGridTestKeys.PUBLIC_KEY)
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(EmailSender.class)
                        .hasSingleBean(WebhookReceiver.class));
    }

    @Test
    void aProcessThatNeitherDispatchesNorReceivesWebhooksHasNeither() {
        runner.withPropertyValues(
                        "mailroom.providers.sendgrid.api-key=SG.key",
                        "mailroom.providers.sendgrid.webhook-public-key=" + SendGridTestKeys.PUBLIC_KEY,
                        "mailroom.roles=api,operator")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(EmailSender.class)
                        .doesNotHaveBean(WebhookReceiver.class));
    }

    @Test
    void aWebhookSinkWithAValidVerificationKeyStarts() {
        runner.withPropertyValues(
                        "mailroom.roles=webhooks",
                        "mailroom.providers.sendgrid.webhook-public-key=" + SendGridTestKeys.PUBLIC_KEY)
                .run(context -> assertThat(
                                context.getBean(WebhookReceiver.class).provider())
                        .isEqualTo("sendgrid"));
    }

    @Test
    void aBrokenVerificationKeyStopsTheStartWithThePropertyNamed() {
        runner.withPropertyValues("mailroom.roles=webhooks", "mailroom.providers.sendgrid.webhook-public-key=not-a-key")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining(
                                "mailroom.providers.sendgrid.webhook-public-key is not a base64 DER EC public key"));
    }

    @Test
    void anEmptyApiKeyStopsTheStartRatherThanSendingUnauthenticated() {
        runner.withPropertyValues("mailroom.roles=dispatcher", "mailroom.providers.sendgrid.api-key=")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("mailroom.providers.sendgrid.api-key"));
    }
}
