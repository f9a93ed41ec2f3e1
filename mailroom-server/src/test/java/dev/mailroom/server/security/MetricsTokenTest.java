package dev.mailroom.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;

/** The metrics token opens metrics only, and a guessable one is refused at start-up. */
class MetricsTokenTest {
    static final String TOKEN = "metrics-token-0123456789abcdef";

    @Test
    void theTokenCarriesTheMetricsRoleAndNothingElse() {
        MetricsToken token = new MetricsToken(new ManagementProperties(TOKEN));

        assertThat(token.authenticate(TOKEN))
                .get()
                .satisfies(a -> assertThat(a.getAuthorities())
                        .extracting(GrantedAuthority::getAuthority)
                        .containsExactly("ROLE_METRICS"))
                .satisfies(a -> assertThat(a.getCredentials()).isNull());
        assertThat(token.authenticate(TOKEN + "x")).isEmpty();
        assertThat(token.authenticate(TOKEN.substring(1))).isEmpty();
    }

    @Test
    void withoutATokenConfiguredNoTokenOpensMetrics() {
        MetricsToken token = new MetricsToken(new ManagementProperties("  "));

        assertThat(token.authenticate("")).isEmpty();
        assertThat(token.authenticate("anything-at-all-0123456789")).isEmpty();
    }

    @Test
    void aShortTokenIsRefusedWithTheRuleAndAWayToMakeOne() {
        assertThatThrownBy(() -> new ManagementProperties("secret"))
                .hasMessageContaining("mailroom.management.metrics-token must be at least 16 characters")
                .hasMessageContaining("openssl rand");
    }
}
