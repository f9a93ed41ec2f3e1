package dev.mailroom.server.providers.ses;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.mailroom.server.support.ProviderFixtures;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/** Ses in the end-to-end suite: its API is the shared HTTP fake, under {@code /ses}. */
@ProviderFixtures
class SesEndToEndFixtures {
    @Bean
    static DynamicPropertyRegistrar sesFakeUrl(WireMockServer providerFakes) {
        return registry -> registry.add(
                "mailroom.providers.ses.endpoint", () -> "http://127.0.0.1:" + providerFakes.port() + "/ses");
    }
}
