package dev.mailroom.server.accounts;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code api_keys} table. A key's scopes are stored as a comma list of their lower-case names. */
@Component
@ConditionalOnRole(Role.API)
class KeyStore {
    /** The scope word of a platform key (the platform endpoints, no organization). */
    static final String PLATFORM = "platform";

    private static final String COLUMNS = "id, organization_id, name, prefix, scopes, created_at, created_by,"
            + " expires_at, revoked_at, last_used_at";

    private final JdbcClient jdbc;

    KeyStore(@Qualifier(AccountsDatabase.POOL) JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record KeyRow(
            UUID id,
            String organizationId,
            String name,
            String prefix,
            Set<String> scopes,
            Instant createdAt,
            String createdBy,
            Instant expiresAt,
            Instant revokedAt,
            Instant lastUsedAt) {}

    void insert(KeyRow key, String hash, String publicId) {
        insert(key, hash, publicId, "");
    }

    /** Writes a key's row unless one with its id exists already. */
    void insertIfAbsent(KeyRow key, String hash, String publicId) {
        insert(key, hash, publicId, " ON CONFLICT DO NOTHING");
    }

    private void insert(KeyRow key, String hash, String publicId, String onConflict) {
        jdbc.sql("INSERT INTO api_keys (" + COLUMNS + ", secret_hash, public_id)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" + onConflict)
                .params(
                        key.id(),
                        key.organizationId(),
                        key.name(),
                        key.prefix(),
                        String.join(",", key.scopes()),
                        Timestamp.from(key.createdAt()),
                        key.createdBy(),
                        timestamp(key.expiresAt()),
                        timestamp(key.revokedAt()),
                        timestamp(key.lastUsedAt()),
                        hash,
                        publicId)
                .update();
    }

    /**
     * Writes a configured key's row (a bootstrap key) with the hash of the key configured now, keeping
     * its revocation: a bootstrap key revoked by an administrator stays revoked whatever is configured
     * again, until a different key is configured.
     */
    void upsertConfigured(KeyRow key, String hash, String publicId) {
        int changed = jdbc.sql(
                        "UPDATE api_keys SET secret_hash = ?, public_id = ?, revoked_at = CASE WHEN secret_hash = ?"
                                + " THEN revoked_at ELSE NULL END WHERE id = ?")
                .params(hash, publicId, hash, key.id())
                .update();
        if (changed == 0) {
            insertIfAbsent(key, hash, publicId);
        }
    }

    /** What signs with a key: its public id and its hash (the signing key, MailboxProof). */
    record Signing(String publicId, String secretHash) {}

    Optional<Signing> findSigning(UUID id) {
        return jdbc.sql("SELECT public_id, secret_hash FROM api_keys WHERE id = ?")
                .param(id)
                .query((rs, n) -> new Signing(rs.getString(1), rs.getString(2)))
                .optional();
    }

    Optional<KeyRow> findByHash(String hash) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_keys WHERE secret_hash = ?")
                .param(hash)
                .query(KeyStore::row)
                .optional();
    }

    /**
     * The keys of one organization, or the platform keys when {@code organizationId} is null; newest first.
     * The installation's internal key (InternalKey) is nobody's to list or revoke.
     */
    List<KeyRow> list(String organizationId) {
        return organizationId == null
                ? jdbc.sql("SELECT " + COLUMNS
                                + " FROM api_keys WHERE organization_id IS NULL AND scopes <> '" + InternalKey.SCOPE
                                + "' ORDER BY created_at DESC")
                        .query(KeyStore::row)
                        .list()
                : jdbc.sql("SELECT " + COLUMNS + " FROM api_keys WHERE organization_id = ? ORDER BY created_at DESC")
                        .param(organizationId)
                        .query(KeyStore::row)
                        .list();
    }

    Optional<KeyRow> find(String organizationId, UUID id) {
        return list(organizationId).stream().filter(k -> k.id().equals(id)).findFirst();
    }

    /** @return false when the key is not this organization's (or already revoked) */
    boolean revoke(String organizationId, UUID id, Instant now) {
        String owner = organizationId == null ? "organization_id IS NULL" : "organization_id = ?";
        List<Object> params = new ArrayList<>(List.of(Timestamp.from(now), id));
        if (organizationId != null) {
            params.add(organizationId);
        }
        return jdbc.sql("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND " + owner)
                        .params(params)
                        .update()
                > 0;
    }

    /** Last use of many keys at once; never moves a key's last use backwards. */
    void touch(Map<UUID, Instant> lastUses) {
        for (Map.Entry<UUID, Instant> use : lastUses.entrySet()) {
            Timestamp at = Timestamp.from(use.getValue());
            jdbc.sql("UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
                    .params(at, use.getKey(), at)
                    .update();
        }
    }

    private static Timestamp timestamp(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }

    private static KeyRow row(ResultSet rs, int n) throws SQLException {
        return new KeyRow(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                new LinkedHashSet<>(Arrays.asList(rs.getString(5).split(","))),
                instant(rs, 6),
                rs.getString(7),
                instant(rs, 8),
                instant(rs, 9),
                instant(rs, 10));
    }
}
