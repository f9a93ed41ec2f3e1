package dev.mailroom.server.providers.mailgun;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.mailroom.server.support.ProviderFixtures;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/** Mailgun in the end-to-end suite: its API is the shared HTTP fake, under {@code /mailgun}. */
@ProviderFixtures
class MailgunEndToEndFixtures {
    @Bean
    static DynamicPropertyRegistrar mailgunFakeUrl(WireMockServer providerFakes) {
        return registry -> registry.add(
                "mailroom.providers.mailgun.base-url", () -> "http://127.0.0.1:" + providerFakes.port() + "/mailgun");
    }
}
