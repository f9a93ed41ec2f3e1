package dev.mailroom.client.spring;

import dev.mailroom.client.MailroomClient;
import dev.mailroom.client.WebhookVerifier;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * A {@link MailroomClient} from {@code mailroom.client.*} when {@code mailroom.client.api-key} is set, and a
 * {@link WebhookVerifier} when {@code mailroom.client.webhook.secrets} is; each only if the application has none of
 * its own. The client is closed with the context.
 */
@AutoConfiguration
@EnableConfigurationProperties(MailroomClientProperties.class)
public class MailroomClientAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "mailroom.client", name = "api-key")
    MailroomClient mailroomClient(MailroomClientProperties properties) throws IOException {
        MailroomClient.Builder builder = MailroomClient.builder()
                .apiKey(properties.apiKey())
                .baseUrl(properties.baseUrl())
                .transport(properties.transport())
                .connectTimeout(properties.connectTimeout())
                .requestTimeout(properties.requestTimeout())
                .maxAttempts(properties.retry().maxAttempts())
                .initialBackoff(properties.retry().initialBackoff())
                .maxBackoff(properties.retry().maxBackoff())
                .maxRetryAfter(properties.retry().maxRetryAfter());
        if (properties.transport() == MailroomClient.Transport.AMQP) {
            builder.amqp(properties.amqp().uri())
                    .amqpAddresses(properties.amqp().addresses())
                    .bulkAbove(properties.amqp().bulkAbove())
                    .maxScheduleAhead(properties.amqp().maxScheduleAhead());
        }
        return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    @Conditional(OnWebhookSecrets.class)
    WebhookVerifier mailroomWebhookVerifier(MailroomClientProperties properties) {
        return new WebhookVerifier(
                properties.webhook().secrets(), properties.webhook().tolerance(), Clock.systemUTC());
    }

    /** Matches when {@code mailroom.client.webhook.secrets} holds a secret, in any of the forms a list binds from. */
    static class OnWebhookSecrets extends SpringBootCondition {
        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            List<String> secrets = Binder.get(context.getEnvironment())
                    .bind("mailroom.client.webhook.secrets", Bindable.listOf(String.class))
                    .orElse(List.of());
            return secrets.isEmpty()
                    ? ConditionOutcome.noMatch("no mailroom.client.webhook.secrets")
                    : ConditionOutcome.match("mailroom.client.webhook.secrets set");
        }
    }
}
