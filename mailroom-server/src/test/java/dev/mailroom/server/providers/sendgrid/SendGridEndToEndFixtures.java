package dev.mailroom.server.providers.sendgrid;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.mailroom.server.support.ProviderFixtures;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/** SendGrid in the end-to-end suite: its API is the shared HTTP fake, under {@code /sendgrid}. */
@ProviderFixtures
class SendGridEndToEndFixtures {
    @Bean
    static DynamicPropertyRegistrar sendgridFakeUrl(WireMockServer providerFakes) {
        return registry -> registry.add(
                "mailroom.providers.sendgrid.base-url", () -> "http://127.0.0.1:" + providerFakes.port() + "/sendgrid");
    }
}
