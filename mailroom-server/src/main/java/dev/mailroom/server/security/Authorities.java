package dev.mailroom.server.security;

/**
 * The rights a bearer token can carry, as Spring Security roles ({@code ROLE_} + name). The
 * health endpoint's {@code management.endpoint.health.roles} names them without the prefix.
 */
public final class Authorities {
    /** Any API key: the {@code /api/**} routes, scoped to the key's organization. */
    public static final String API = "API";
    /** An admin API key: also run-time settings, dead letters, metrics and health details. */
    public static final String ADMIN = "ADMIN";
    /** The metrics token ({@code mailroom.management.metrics-token}): metrics and health details, nothing else. */
    public static final String METRICS = "METRICS";

    private Authorities() {}

    /** The granted authority of a role name above. */
    public static String role(String name) {
        return "ROLE_" + name;
    }
}
