package dev.mailroom.server.providers.ses;

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

/** The ses provider exists only once a region is configured, each half only in its own role. */
class SesProviderWiringTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({SesProperties.class, MailroomProperties.class})
    @Import({SesSender.class, SesWebhookReceiver.class})
    static class Wiring {
        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }

        @Bean
        RestClient.Builder restClient() {
            return ProviderHttpClients.newRestClientBuilder();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Wiring.class);

    @Test
    void withARegionThereIsAnSesSenderAndAnSesWebhookReceiver() {
        runner.withPropertyValues(
                        "mailroom.providers.ses.region=eu-west-1",
                        "mailroom.providers.ses.access-key-id=AKIDEXAMPLETEST",
                        "mailroom.providers.ses.secret-access-key=ses-test-secret")
                .run(context -> {
                    assertThat(context.getBean(EmailSender.class).name()).isEqualTo("ses");
                    assertThat(context.getBean(WebhookReceiver.class).provider())
                            .isEqualTo("ses");
                });
    }

    @Test
    void withoutARegionThereIsNoSesProvider() {
        runner.withPropertyValues(
                        "mailroom.providers.ses.access-key-id=AKIDEXAMPLETEST",
                        "mailroom.providers.ses.secret-access-key=x")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(EmailSender.class)
                        .doesNotHaveBean(WebhookReceiver.class));
    }

    @Test
    void aWebhooksOnlyProcessHasTheReceiverButNoSender() {
        runner.withPropertyValues("mailroom.providers.ses.region=eu-west-1", "mailroom.roles=webhooks")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .doesNotHaveBean(EmailSender.class)
                        .hasSingleBean(WebhookReceiver.class));
    }

    @Test
    void aKeyIdWithoutItsSecretStopsTheStart() {
        runner.withPropertyValues(
                        "mailroom.providers.ses.region=eu-west-1",
                        "mailroom.providers.ses.access-key-id=AKIDEXAMPLETEST")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void topicArnsBindFromACommaSeparatedList() {
        runner.withPropertyValues(
                        "mailroom.providers.ses.region=eu-west-1",
                        "mailroom.providers.ses.topic-arns=arn:aws:sns:eu-west-1:123456789012:a, arn:aws:sns:eu-west-1:123456789012:b")
                .run(context -> assertThat(context.getBean(SesProperties.class).topicArns())
                        .containsExactly(
                                "arn:aws:sns:eu-west-1:123456789012:a", "arn:aws:sns:eu-west-1:123456789012:b"));
    }

    @Test
    void acceptAnyTopicIsOffUnlessSetExplicitly() {
        runner.withPropertyValues("mailroom.providers.ses.region=eu-west-1")
                .run(context -> assertThat(context.getBean(SesProperties.class).acceptAnyTopic())
                        .isFalse());
        runner.withPropertyValues(
                        "mailroom.providers.ses.region=eu-west-1", "mailroom.providers.ses.accept-any-topic=true")
                .run(context -> assertThat(context.getBean(SesProperties.class).acceptAnyTopic())
                        .isTrue());
    }
}
