package dev.mailroom.server.providers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class EnabledProvidersTest {

    @Test
    void nothingIsEnabledWithoutConfigurationNotEvenTheSandbox() {
        EnabledProviders providers = new EnabledProviders(new MockEnvironment());

        assertThat(providers.names()).isEmpty();
        assertThat(providers.problemWith("sandbox")).contains("not enabled");
    }

    @Test
    void aProviderIsEnabledByItsCredentialsOrByItsSwitch() {
        EnabledProviders providers = new EnabledProviders(new MockEnvironment()
                .withProperty("mailroom.providers.sendgrid.api-key", "SG.x")
                .withProperty("mailroom.providers.postmark.enabled", "true")
                .withProperty("mailroom.providers.resend.api-key", "re_x")
                .withProperty("mailroom.providers.resend.enabled", "false"));

        assertThat(providers.names()).containsExactly("sendgrid", "postmark");
        assertThat(providers.problemWith("sendgrid")).isNull();
        assertThat(providers.problemWith("resend")).contains("not enabled");
        assertThat(providers.problemWith("carrier-pigeon")).contains("unknown provider");
    }

    @Test
    void theDefaultIsTheConfiguredOneElseTheSandboxWhereOnElseTheFirstConfigured() {
        assertThat(new EnabledProviders(new MockEnvironment().withProperty("mailroom.providers.sandbox.enabled", "true")
                .withProperty("mailroom.providers.smtp.host", "relay")).defaultProvider()).isEqualTo("sandbox");
        assertThat(new EnabledProviders(new MockEnvironment().withProperty("mailroom.providers.smtp.host", "relay")
                .withProperty("mailroom.providers.ses.region", "eu-west-1")).defaultProvider()).isEqualTo("smtp");
        assertThat(new EnabledProviders(new MockEnvironment().withProperty("mailroom.providers.smtp.host", "relay")
                .withProperty("mailroom.providers.default", "ses")).defaultProvider()).isEqualTo("ses");
    }
}
