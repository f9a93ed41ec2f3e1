package dev.mailroom.server.security;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * A deployment reached over HTTPS ({@code mailroom.public-url} starts with {@code https://}) marks
 * its session cookie Secure even when TLS ends at a proxy in front of it, where each request looks
 * like plain HTTP to Mailroom. Otherwise the cookie is Secure whenever the request came over TLS.
 * A value the deployer set wins.
 */
class SecureCookieDefaults implements EnvironmentPostProcessor {
    static final String SECURE = "server.servlet.session.cookie.secure";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (env.containsProperty(SECURE) || !servedOverHttps(env)) {
            return;
        }
        env.getPropertySources().addLast(new MapPropertySource("mailroomSecureCookies", Map.of(SECURE, "true")));
    }

    static boolean servedOverHttps(org.springframework.core.env.Environment env) {
        String url = env.getProperty("mailroom.public-url", "");
        return url.regionMatches(true, 0, "https://", 0, 8);
    }
}
