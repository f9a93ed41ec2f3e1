package dev.mailroom.server.security;

/**
 * The rights a caller can carry, as Spring Security roles ({@code ROLE_} + name): the organization
 * {@link Scope}s ({@code SEND}, {@code READ}, {@code ADMIN}) and these. The health endpoint's
 * {@code management.endpoint.health.roles} names them without the prefix.
 */
public final class Authorities {
    /** A platform key or a platform operator: settings, dead letters, organizations, metrics. */
    public static final String PLATFORM = "PLATFORM";
    /** The metrics token ({@code mailroom.management.metrics-token}): metrics and health details, nothing else. */
    public static final String METRICS = "METRICS";

    private Authorities() {}

    /** The granted authority of a role name above. */
    public static String role(String name) {
        return "ROLE_" + name;
    }
}
