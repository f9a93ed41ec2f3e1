package dev.mailroom.server.accounts;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The {@code webhook_endpoints} and {@code webhook_secrets} tables (V11). An endpoint's event types are stored as a
 * comma list. Every method that takes an organization finds only that organization's endpoints.
 */
@Component
@ConditionalOnRole({Role.API, Role.OPERATOR})
class WebhookEndpointStore {
    private static final String COLUMNS = "id, organization_id, url, description, event_types, enabled,"
            + " disabled_reason, disabled_at, created_at, updated_at";

    private final JdbcClient jdbc;

    WebhookEndpointStore(@Qualifier(AccountsDatabase.POOL) JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record EndpointRow(
            UUID id,
            String organizationId,
            String url,
            String description,
            List<String> eventTypes,
            boolean enabled,
            String disabledReason,
            Instant disabledAt,
            Instant createdAt,
            Instant updatedAt) {}

    record SecretRow(UUID id, UUID endpointId, String secret, Instant createdAt, Instant expiresAt) {}

    /**
     * Holds the organization's row until the transaction ends, so that two creations at once count each other
     * (the limit of endpoints per organization holds under concurrency).
     */
    void lockOrganization(String organizationId) {
        jdbc.sql("SELECT id FROM organizations WHERE id = ? FOR UPDATE")
                .param(organizationId)
                .query((rs, n) -> rs.getString(1))
                .list();
    }

    int count(String organizationId) {
        return jdbc.sql("SELECT COUNT(*) FROM webhook_endpoints WHERE organization_id = ?")
                .param(organizationId)
                .query(Integer.class)
                .single();
    }

    void insert(EndpointRow row) {
        jdbc.sql("INSERT INTO webhook_endpoints (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(
                        row.id(),
                        row.organizationId(),
                        row.url(),
                        row.description(),
                        String.join(",", row.eventTypes()),
                        row.enabled(),
                        row.disabledReason(),
                        timestamp(row.disabledAt()),
                        Timestamp.from(row.createdAt()),
                        Timestamp.from(row.updatedAt()))
                .update();
    }

    /** Oldest first: the order in which they were registered. */
    List<EndpointRow> list(String organizationId) {
        return jdbc.sql("SELECT " + COLUMNS
                        + " FROM webhook_endpoints WHERE organization_id = ? ORDER BY created_at, id")
                .param(organizationId)
                .query(WebhookEndpointStore::endpoint)
                .list();
    }

    Optional<EndpointRow> find(String organizationId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE id = ? AND organization_id = ?")
                .params(id, organizationId)
                .query(WebhookEndpointStore::endpoint)
                .optional();
    }

    /** The same, holding the endpoint's row until the transaction ends (one rotation at a time). */
    Optional<EndpointRow> findForUpdate(String organizationId, UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE id = ? AND organization_id = ? FOR UPDATE")
                .params(id, organizationId)
                .query(WebhookEndpointStore::endpoint)
                .optional();
    }

    Optional<EndpointRow> findById(UUID id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE id = ?")
                .param(id)
                .query(WebhookEndpointStore::endpoint)
                .optional();
    }

    /** Writes the changeable columns; false when the endpoint is not this organization's (or is gone). */
    boolean update(EndpointRow row) {
        return jdbc.sql("UPDATE webhook_endpoints SET url = ?, description = ?, event_types = ?, enabled = ?,"
                                + " disabled_reason = ?, disabled_at = ?, updated_at = ?"
                                + " WHERE id = ? AND organization_id = ?")
                        .params(
                                row.url(),
                                row.description(),
                                String.join(",", row.eventTypes()),
                                row.enabled(),
                                row.disabledReason(),
                                timestamp(row.disabledAt()),
                                Timestamp.from(row.updatedAt()),
                                row.id(),
                                row.organizationId())
                        .update()
                > 0;
    }

    /** Its secrets go with it (ON DELETE CASCADE). */
    boolean delete(String organizationId, UUID id) {
        return jdbc.sql("DELETE FROM webhook_endpoints WHERE id = ? AND organization_id = ?")
                        .params(id, organizationId)
                        .update()
                > 0;
    }

    /** Disabled automatically, with the reason shown to the organization. False when the endpoint is gone. */
    boolean disable(UUID id, String reason, Instant at) {
        return jdbc.sql("UPDATE webhook_endpoints SET enabled = FALSE, disabled_reason = ?, disabled_at = ?,"
                                + " updated_at = ? WHERE id = ?")
                        .params(reason, Timestamp.from(at), Timestamp.from(at), id)
                        .update()
                > 0;
    }

    void insertSecret(SecretRow secret) {
        jdbc.sql("INSERT INTO webhook_secrets (id, endpoint_id, secret, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
                .params(
                        secret.id(),
                        secret.endpointId(),
                        secret.secret(),
                        Timestamp.from(secret.createdAt()),
                        timestamp(secret.expiresAt()))
                .update();
    }

    /** The secrets still valid at {@code now}, newest first (the current one, expiring nowhere, leads). */
    List<SecretRow> validSecrets(UUID endpointId, Instant now) {
        return jdbc.sql("SELECT id, endpoint_id, secret, created_at, expires_at FROM webhook_secrets"
                        + " WHERE endpoint_id = ? AND (expires_at IS NULL OR expires_at > ?)"
                        + " ORDER BY created_at DESC, id")
                .params(endpointId, Timestamp.from(now))
                .query((rs, n) -> new SecretRow(
                        rs.getObject(1, UUID.class),
                        rs.getObject(2, UUID.class),
                        rs.getString(3),
                        instant(rs, 4),
                        instant(rs, 5)))
                .list();
    }

    void deleteExpiredSecrets(UUID endpointId, Instant now) {
        jdbc.sql("DELETE FROM webhook_secrets WHERE endpoint_id = ? AND expires_at <= ?")
                .params(endpointId, Timestamp.from(now))
                .update();
    }

    /**
     * Every secret still valid after {@code at} now expires at {@code at}: the current one starts its grace, and no
     * earlier one outlives the newest grace.
     */
    void expireSecrets(UUID endpointId, Instant at) {
        jdbc.sql(
                        "UPDATE webhook_secrets SET expires_at = ? WHERE endpoint_id = ? AND (expires_at IS NULL OR expires_at > ?)")
                .params(Timestamp.from(at), endpointId, Timestamp.from(at))
                .update();
    }

    private static Timestamp timestamp(Instant at) {
        return at == null ? null : Timestamp.from(at);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }

    private static EndpointRow endpoint(ResultSet rs, int n) throws SQLException {
        return new EndpointRow(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                List.copyOf(Arrays.asList(rs.getString(5).split(","))),
                rs.getBoolean(6),
                rs.getString(7),
                instant(rs, 8),
                instant(rs, 9),
                instant(rs, 10));
    }
}
