package dev.mailroom.server.providers.smtp;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.mailroom.server.support.ProviderFixtures;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/** The smtp provider in the end-to-end suite: its relay is a real SMTP server (GreenMail) on a free port. */
@ProviderFixtures
class SmtpEndToEndFixtures {
    @Bean(destroyMethod = "stop")
    static GreenMail greenMail() {
        GreenMail greenMail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return greenMail;
    }

    @Bean
    static DynamicPropertyRegistrar smtpRelayPort(GreenMail greenMail) {
        return registry -> registry.add(
                "mailroom.providers.smtp.port", () -> greenMail.getSmtp().getPort());
    }
}
