package dev.mailroom.server.security;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * A separate management port ({@code management.server.port}) listens on loopback unless
 * {@code management.server.address} says otherwise: the operations endpoints are for this machine
 * (or a scraper the deployer lets in on purpose), not for whoever reaches the API. The same filter
 * chain guards it, so metrics still need the admin API key or the metrics token there.
 *
 * <p>Set here rather than in application.properties because Spring Boot refuses to start with a
 * management address but no separate management port.
 */
class ManagementServerDefaults implements EnvironmentPostProcessor {
    static final String PORT = "management.server.port";
    static final String ADDRESS = "management.server.address";
    static final String LOOPBACK = "127.0.0.1";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (env.containsProperty(ADDRESS) || !separatePort(env)) {
            return;
        }
        // Added last: lowest precedence, so anything the deployer configured wins.
        env.getPropertySources()
                .addLast(new MapPropertySource("mailroomManagementDefaults", Map.of(ADDRESS, LOOPBACK)));
    }

    /** As Spring Boot decides it: a management port that is set, not -1 (disabled) and not the server's own. */
    static boolean separatePort(ConfigurableEnvironment env) {
        Integer management = env.getProperty(PORT, Integer.class);
        if (management == null || management < 0) {
            return false;
        }
        return management == 0 || management.intValue() != env.getProperty("server.port", Integer.class, 8080);
    }
}
