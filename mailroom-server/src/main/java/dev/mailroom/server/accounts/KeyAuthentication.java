package dev.mailroom.server.accounts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.security.Caller;
import dev.mailroom.server.security.CallerAuthentication;
import dev.mailroom.server.security.Scope;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * API keys as bearer tokens. A key is found by its SHA-256; what was read about it is trusted for
 * {@code mailroom.accounts.key-recheck} (5 s), so that a key revoked on any API process stops working
 * on every one within that time, while a busy client costs no query per request. A revoked or
 * expired key is refused with a 401 that says so; its last use is recorded in memory and written
 * in batches ({@link LastUsedRecorder}).
 */
@Component
@ConditionalOnRole(Role.API)
class KeyAuthentication implements dev.mailroom.server.security.BearerTokens {
    /** An unknown hash is remembered too (as absent), so that guessing costs no query per attempt. */
    private static final int MAX_CACHED = 10_000;

    private final KeyStore keys;
    private final ConfiguredKeys configured;
    private final LastUsedRecorder lastUse;
    private final Clock clock;
    private final Cache<String, Optional<KeyStore.KeyRow>> recent;
    /** The last answer for each key, kept while the database does not answer (submissions go on then). */
    private final Cache<String, Optional<KeyStore.KeyRow>> lastKnown =
            Caffeine.newBuilder().maximumSize(MAX_CACHED).build();

    KeyAuthentication(
            KeyStore keys,
            ConfiguredKeys configured,
            LastUsedRecorder lastUse,
            Clock clock,
            AccountsProperties properties) {
        this.keys = keys;
        this.configured = configured;
        this.lastUse = lastUse;
        this.clock = clock;
        this.recent = Caffeine.newBuilder()
                .maximumSize(MAX_CACHED)
                .expireAfterWrite(properties.keyRecheck())
                .build();
    }

    @Override
    public Optional<Authentication> authenticate(String token) {
        String hash = KeyMaterial.hash(token);
        Optional<KeyStore.KeyRow> row = recent.get(hash, this::lookUp);
        if (row.isEmpty()) {
            // A configured key whose row is not written yet (the tables are made by the operator's first start).
            return configured.callerFor(hash).map(CallerAuthentication::of);
        }
        KeyStore.KeyRow key = row.get();
        Instant now = clock.instant();
        if (key.revokedAt() != null) {
            throw new BadCredentialsException(
                    "the API key " + key.prefix() + " was revoked at " + key.revokedAt() + "; create a new key");
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            throw new BadCredentialsException(
                    "the API key " + key.prefix() + " expired at " + key.expiresAt() + "; create a new key");
        }
        lastUse.record(key.id(), now);
        return Optional.of(CallerAuthentication.of(callerOf(key)));
    }

    /** Forgets what was read about a key, so that a revocation on this process applies at once. */
    void forget(String hash) {
        recent.invalidate(hash);
    }

    void forgetAll() {
        recent.invalidateAll();
    }

    private Optional<KeyStore.KeyRow> lookUp(String hash) {
        try {
            Optional<KeyStore.KeyRow> row = keys.findByHash(hash);
            lastKnown.put(hash, row);
            return row;
        } catch (org.springframework.dao.DataAccessException e) {
            // The database does not answer: what was last known of the key (or its configuration) decides,
            // so that a database outage does not stop submissions, which need only the broker.
            Optional<KeyStore.KeyRow> known = lastKnown.getIfPresent(hash);
            if (known != null || configured.callerFor(hash).isPresent()) {
                return known == null ? Optional.empty() : known;
            }
            throw new AuthenticationServiceException(
                    "API keys cannot be checked right now: the database does not answer; try again shortly", e);
        }
    }

    static Caller callerOf(KeyStore.KeyRow key) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        key.scopes().forEach(s -> Scope.parse(s).ifPresent(scopes::add));
        return new Caller(
                key.organizationId(), scopes, key.scopes().contains(KeyStore.PLATFORM), key.prefix(), null, key.id());
    }
}
