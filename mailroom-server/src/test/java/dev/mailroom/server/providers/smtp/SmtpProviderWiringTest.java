package dev.mailroom.server.providers.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.providers.EmailSender;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** The smtp provider exists only in a dispatcher, and only when a relay host is configured. */
class SmtpProviderWiringTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SmtpProperties.class)
    @Import(SmtpSender.class)
    static class Wiring {
        @Bean
        Clock clock() {
            return Clock.systemUTC();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Wiring.class);

    @Test
    void aDispatcherWithARelayHostHasTheSmtpProvider() {
        runner.withPropertyValues("mailroom.providers.smtp.host=relay.example", "mailroom.providers.smtp.port=2525")
                .run(context -> {
                    assertThat(context).hasSingleBean(EmailSender.class);
                    assertThat(context.getBean(EmailSender.class).name()).isEqualTo("smtp");
                });
    }

    @Test
    void withoutARelayHostThereIsNoSmtpProvider() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EmailSender.class));
    }

    @Test
    void aProcessThatDoesNotDispatchHasNoSmtpProvider() {
        runner.withPropertyValues("mailroom.providers.smtp.host=relay.example", "mailroom.roles=api,operator")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EmailSender.class));
    }
}
