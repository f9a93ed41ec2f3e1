package dev.mailroom.server.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Access to the operations endpoints.
 *
 * @param metricsToken a bearer token that opens {@code /actuator/prometheus} (and health details) and
 *                     nothing else; how a process without the API role (an operator, a dispatcher)
 *                     lets Prometheus in. Unset: only the admin API key opens metrics, and in a
 *                     process without the API nothing does. At least 16 characters.
 */
@ConfigurationProperties("mailroom.management")
public record ManagementProperties(String metricsToken) {
    static final int MIN_TOKEN_LENGTH = 16;

    public ManagementProperties {
        metricsToken = metricsToken == null || metricsToken.isBlank() ? null : metricsToken.strip();
        if (metricsToken != null && metricsToken.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("mailroom.management.metrics-token must be at least " + MIN_TOKEN_LENGTH
                    + " characters (e.g. openssl rand -hex 24)");
        }
    }

    boolean hasMetricsToken() {
        return metricsToken != null;
    }
}
