package dev.mailroom.server.providers.postmark;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.mailroom.server.support.ProviderFixtures;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistrar;

/** Postmark in the end-to-end suite: its API is the shared HTTP fake, under {@code /postmark}. */
@ProviderFixtures
class PostmarkEndToEndFixtures {
    @Bean
    static DynamicPropertyRegistrar postmarkFakeUrl(WireMockServer providerFakes) {
        return registry -> registry.add(
                "mailroom.providers.postmark.base-url", () -> "http://127.0.0.1:" + providerFakes.port() + "/postmark");
    }
}
