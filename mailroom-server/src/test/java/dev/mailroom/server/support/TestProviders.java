package dev.mailroom.server.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.EmailSender;
import dev.mailroom.server.providers.OutboundEmail;
import java.time.Instant;
import java.util.Locale;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/** Test wiring shared by the end-to-end suite: a scripted provider, the providers' HTTP fake and the data directory. */
@TestConfiguration(proxyBeanMethods = false)
public class TestProviders {

    /** A fresh data directory per application context: the embedded database is a locked file. */
    @Bean
    static DynamicPropertyRegistrar testDataDirectory() {
        String dir = TestDataDir.create().toString();
        return registry -> registry.add("mailroom.data-dir", () -> dir);
    }

    /**
     * One HTTP fake for the providers' APIs; each provider lives under its own path prefix
     * ({@code /sendgrid}, {@code /postmark}, ...), which its {@link ProviderFixtures} point it at,
     * so its tests stub and verify only their own requests. Tests reset nothing globally: they
     * match on the message id they sent.
     */
    @Bean(destroyMethod = "stop")
    static WireMockServer providerFakes() {
        WireMockServer server = new WireMockServer(
                WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        return server;
    }

    /**
     * A provider whose answers the recipient scripts: {@code retry<n>…@} is deferred for the
     * first n attempts and then accepted, {@code always-retry…@} is always deferred, and
     * {@code reject…@} is refused for good. It sends messages over no network; the pipeline
     * around it (queues, operator, retries) is the real one.
     */
    @Bean
    EmailSender scriptedProvider() {
        return new EmailSender() {
            @Override
            public String name() {
                return "scripted";
            }

            @Override
            public DeliveryOutcome send(OutboundEmail email) {
                String local = email.email().allRecipients().get(0).email().toLowerCase(Locale.ROOT);
                if (local.startsWith("reject")) {
                    return new DeliveryOutcome.Rejected("550 mailbox does not exist");
                }
                if (local.startsWith("always-retry")) {
                    return new DeliveryOutcome.RetryLater("503 try later", null);
                }
                if (local.startsWith("retry")) {
                    int failures = Character.getNumericValue(local.charAt(5));
                    if (email.attempt() <= failures) {
                        return new DeliveryOutcome.RetryLater(
                                "429 slow down", Instant.now().plusMillis(300));
                    }
                }
                return new DeliveryOutcome.Accepted("scripted-" + email.messageId() + "-" + email.attempt());
            }
        };
    }
}
