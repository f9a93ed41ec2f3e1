package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

class EnabledProvidersTest {
    /** As the provider packages declare themselves (each package's own descriptor is package-private). */
    private static final List<ProviderDescriptor> PROVIDERS = List.of(
            provider("sandbox", null),
            provider("smtp", "mailroom.providers.smtp.host"),
            provider("sendgrid", "mailroom.providers.sendgrid.api-key"),
            provider("postmark", "mailroom.providers.postmark.server-token"),
            provider("ses", "mailroom.providers.ses.region"),
            provider("mailgun", "mailroom.providers.mailgun.api-key"),
            provider("resend", "mailroom.providers.resend.api-key"));

    private static ProviderDescriptor provider(String name, String enabledBy) {
        return new ProviderDescriptor() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String enabledBy() {
                return enabledBy;
            }
        };
    }

    private static EnabledProviders enabled(Environment env) {
        return withPackages(env, PROVIDERS);
    }

    /** As Spring builds it: the typed properties bound from the same environment. */
    private static EnabledProviders withPackages(Environment env, List<ProviderDescriptor> packages) {
        return new EnabledProviders(env, packages, Binder.get(env).bindOrCreate("mailroom", MailroomProperties.class));
    }

    @Test
    void nothingIsEnabledWithoutConfigurationNotEvenTheSandbox() {
        EnabledProviders providers = enabled(new MockEnvironment());

        assertThat(providers.names()).isEmpty();
        assertThat(providers.problemWith("sandbox")).contains("not enabled");
    }

    @Test
    void aProviderIsEnabledByItsCredentialsOrByItsSwitch() {
        EnabledProviders providers = enabled(new MockEnvironment()
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
        assertThat(enabled(new MockEnvironment()
                                .withProperty("mailroom.providers.sandbox.enabled", "true")
                                .withProperty("mailroom.providers.smtp.host", "relay"))
                        .defaultProvider())
                .isEqualTo("sandbox");
        assertThat(enabled(new MockEnvironment()
                                .withProperty("mailroom.providers.smtp.host", "relay")
                                .withProperty("mailroom.providers.ses.region", "eu-west-1"))
                        .defaultProvider())
                .isEqualTo("smtp");
        assertThat(enabled(new MockEnvironment()
                                .withProperty("mailroom.providers.smtp.host", "relay")
                                .withProperty("mailroom.providers.default", "ses"))
                        .defaultProvider())
                .isEqualTo("ses");
    }

    @Test
    void aProviderOfTheContractWithoutItsPackageHereIsNeverEnabled() {
        EnabledProviders providers = withPackages(
                new MockEnvironment().withProperty("mailroom.providers.postmark.enabled", "true"),
                List.of(provider("smtp", "mailroom.providers.smtp.host")));

        assertThat(providers.names()).isEmpty();
        assertThat(providers.problemWith("postmark")).contains("not enabled");
    }

    @Test
    void aProviderPackageWhoseNameIsNotInTheContractStopsTheStart() {
        assertThatThrownBy(() -> withPackages(new MockEnvironment(), List.of(provider("carrier-pigeon", null))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("carrier-pigeon")
                .hasMessageContaining("ProviderNames");
    }
}
