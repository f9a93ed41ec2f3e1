package dev.mailroom.server.support;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.EmailSender;
import dev.mailroom.server.providers.OutboundEmail;
import java.time.Instant;
import java.util.Locale;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/** Test wiring shared by the end-to-end suite: a scripted provider and the data directory. */
@TestConfiguration(proxyBeanMethods = false)
public class TestProviders {

    @Bean
    static DynamicPropertyRegistrar testDataDirectory() {
        return registry -> registry.add("mailroom.data-dir", TestDataDir.PATH::toString);
    }

    /** A real SMTP server for the smtp provider, on a free port. */
    @Bean(destroyMethod = "stop")
    static GreenMail greenMail() {
        GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return greenMail;
    }

    @Bean
    static DynamicPropertyRegistrar smtpRelayPort(GreenMail greenMail) {
        return registry -> registry.add("mailroom.providers.smtp.port", () -> greenMail.getSmtp().getPort());
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
                        return new DeliveryOutcome.RetryLater("429 slow down", Instant.now().plusMillis(300));
                    }
                }
                return new DeliveryOutcome.Accepted("scripted-" + email.messageId() + "-" + email.attempt());
            }
        };
    }
}
