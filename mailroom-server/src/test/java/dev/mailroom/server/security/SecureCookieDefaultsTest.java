package dev.mailroom.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class SecureCookieDefaultsTest {

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("test", properties));
        new SecureCookieDefaults().postProcessEnvironment(env, null);
        return env;
    }

    @Test
    void aDeploymentReachedOverHttpsMarksItsSessionCookieSecure() {
        StandardEnvironment env = environment(Map.of("mailroom.public-url", "HTTPS://mail.example.com"));

        assertThat(env.getProperty(SecureCookieDefaults.SECURE)).isEqualTo("true");
    }

    @Test
    void overPlainHttpTheRequestDecides() {
        StandardEnvironment env = environment(Map.of("mailroom.public-url", "http://localhost:8080"));

        assertThat(env.getProperty(SecureCookieDefaults.SECURE)).isNull();
    }

    @Test
    void whatTheDeployerSetWins() {
        StandardEnvironment env = environment(
                Map.of("mailroom.public-url", "https://mail.example.com", SecureCookieDefaults.SECURE, "false"));

        assertThat(env.getProperty(SecureCookieDefaults.SECURE)).isEqualTo("false");
    }
}
