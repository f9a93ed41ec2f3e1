package dev.mailroom.server;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The base URL at which this deployment's API and webhook sink are reached
 * ({@code mailroom.public-url}), defaulting to this process's own HTTP port.
 */
@Component
public class PublicUrl {
    private final Environment env;

    PublicUrl(Environment env) {
        this.env = env;
    }

    public String get() {
        String configured = env.getProperty("mailroom.public-url");
        if (configured != null && !configured.isBlank()) {
            return configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        }
        // local.server.port is the real port, also when server.port=0 picked a random one.
        String port = env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
        return "http://localhost:" + port;
    }
}
