package dev.mailroom.server.notifier;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.mailroom.contracts.NotificationTypes;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.AccountsProperties;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The organizations' webhook endpoints and their secrets, as the notifier needs them, read from the accounts' tables
 * and trusted for {@code mailroom.accounts.key-recheck}: an endpoint added, disabled or given a new secret is seen by
 * every notifier within it.
 */
@Component
@ConditionalOnRole(Role.NOTIFIER)
class EndpointDirectory {
    /** An endpoint: {@code types} holding {@value NotificationTypes#ALL_TYPES} means every type. */
    record Endpoint(
            UUID id, String organizationId, String url, Set<String> types, boolean enabled, List<Secret> secrets) {
        boolean wants(String type) {
            return types.contains(NotificationTypes.ALL_TYPES) || types.contains(type);
        }

        /** The secrets to sign with at {@code now}: every one not expired. */
        List<String> signingSecrets(Instant now) {
            return secrets.stream()
                    .filter(s -> s.expiresAt() == null || s.expiresAt().isAfter(now))
                    .map(Secret::secret)
                    .toList();
        }
    }

    record Secret(String secret, Instant expiresAt) {}

    private final NamedParameterJdbcTemplate named;
    private final LoadingCache<String, List<Endpoint>> byOrganization;
    private final LoadingCache<UUID, Optional<Endpoint>> byId;

    EndpointDirectory(@Qualifier(NotifierDatabase.POOL) JdbcTemplate jdbc, AccountsProperties accounts) {
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.byOrganization = Caffeine.newBuilder()
                .expireAfterWrite(accounts.keyRecheck())
                .maximumSize(100_000)
                .build(new com.github.benmanes.caffeine.cache.CacheLoader<>() {
                    @Override
                    public List<Endpoint> load(String organization) {
                        return loadAll(Set.of(organization)).getOrDefault(organization, List.of());
                    }

                    @Override
                    public Map<String, List<Endpoint>> loadAll(Set<? extends String> organizations) {
                        Map<String, List<Endpoint>> found = EndpointDirectory.this.loadAll(organizations);
                        Map<String, List<Endpoint>> all = new HashMap<>();
                        organizations.forEach(o -> all.put(o, found.getOrDefault(o, List.of())));
                        return all;
                    }
                });
        this.byId = Caffeine.newBuilder()
                .expireAfterWrite(accounts.keyRecheck())
                .maximumSize(100_000)
                .build(id -> load("e.id = :key", new MapSqlParameterSource("key", id)).stream()
                        .findFirst());
    }

    /** The enabled endpoints of each organization (an organization with none maps to an empty list). */
    Map<String, List<Endpoint>> enabledOf(Set<String> organizations) {
        Map<String, List<Endpoint>> all = byOrganization.getAll(organizations);
        Map<String, List<Endpoint>> enabled = new HashMap<>();
        all.forEach((org, list) ->
                enabled.put(org, list.stream().filter(Endpoint::enabled).toList()));
        return enabled;
    }

    /** An endpoint, enabled or not. */
    Optional<Endpoint> byId(UUID id) {
        return byId.get(id);
    }

    private Map<String, List<Endpoint>> loadAll(Set<? extends String> organizations) {
        return load("e.organization_id IN (:key)", new MapSqlParameterSource("key", organizations)).stream()
                .collect(Collectors.groupingBy(Endpoint::organizationId));
    }

    private List<Endpoint> load(String where, MapSqlParameterSource params) {
        Map<UUID, Endpoint> endpoints = new LinkedHashMap<>();
        named.query(
                "SELECT e.id, e.organization_id, e.url, e.event_types, e.enabled, s.secret, s.expires_at"
                        + " FROM webhook_endpoints e LEFT JOIN webhook_secrets s ON s.endpoint_id = e.id"
                        + " WHERE " + where + " ORDER BY e.created_at, s.created_at DESC",
                params,
                rs -> {
                    UUID id = rs.getObject("id", UUID.class);
                    Endpoint endpoint = endpoints.computeIfAbsent(id, k -> {
                        try {
                            return new Endpoint(
                                    k,
                                    rs.getString("organization_id"),
                                    rs.getString("url"),
                                    types(rs.getString("event_types")),
                                    rs.getBoolean("enabled"),
                                    new ArrayList<>());
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    String secret = rs.getString("secret");
                    if (secret != null) {
                        OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
                        endpoint.secrets().add(new Secret(secret, expires == null ? null : expires.toInstant()));
                    }
                });
        return endpoints.values().stream()
                .map(e -> new Endpoint(
                        e.id(), e.organizationId(), e.url(), e.types(), e.enabled(), List.copyOf(e.secrets())))
                .toList();
    }

    private static Set<String> types(String eventTypes) {
        Set<String> types = Arrays.stream(eventTypes == null ? new String[0] : eventTypes.split(","))
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .collect(Collectors.toSet());
        return Set.copyOf(types);
    }
}
