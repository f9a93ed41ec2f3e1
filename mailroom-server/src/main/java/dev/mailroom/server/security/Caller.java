package dev.mailroom.server.security;

import java.io.Serializable;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling, for one request: an API key or a signed-in person, already resolved to the one
 * organization whose data the request may touch. Every query of an organization's data is scoped to
 * {@link #organizationId()}; controllers take it as {@code @AuthenticationPrincipal Caller}.
 *
 * @param organizationId the organization acted for; null for a platform key or a platform operator
 *                       who is not a member of any organization
 * @param scopes         what the caller may do in that organization
 * @param platform       whether the caller may use the platform endpoints (settings, dead letters,
 *                       organizations, platform keys)
 * @param name           how the caller is shown in an audit field: a key's prefix, a person's email
 * @param userId         the signed-in person; null for a key
 * @param keyId          the key; null for a person (and for the configured bootstrap keys)
 */
public record Caller(String organizationId, Set<Scope> scopes, boolean platform, String name, UUID userId, UUID keyId)
        implements Serializable {

    public Caller {
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    /** A signed-in person rather than an API key. */
    public boolean isPerson() {
        return userId != null;
    }
}
