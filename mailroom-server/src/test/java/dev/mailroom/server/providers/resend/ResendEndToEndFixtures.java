package dev.mailroom.server.providers.resend;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.mailroom.server.support.ProviderFixtures;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/** Resend in the end-to-end suite: its API is the shared HTTP fake, under {@code /resend}. */
@ProviderFixtures
class ResendEndToEndFixtures {
    @Bean
    static DynamicPropertyRegistrar resendFakeUrl(WireMockServer providerFakes) {
        return registry -> registry.add(
                "mailroom.providers.resend.base-url", () -> "http://127.0.0.1:" + providerFakes.port() + "/resend");
    }
}
