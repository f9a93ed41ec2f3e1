package dev.mailroom.server.accounts;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code users} and {@code memberships} tables. */
@Component
@ConditionalOnRole(Role.API)
class UserStore {
    private static final String USER_COLUMNS =
            "u.id, u.email, u.display_name, u.password_hash, u.platform_operator, u.failed_sign_ins, u.locked_until, u.created_at";

    private final JdbcClient jdbc;

    UserStore(@Qualifier(AccountsDatabase.POOL) JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record UserRow(
            UUID id,
            String email,
            String displayName,
            String passwordHash,
            boolean platformOperator,
            int failedSignIns,
            Instant lockedUntil,
            Instant createdAt) {}

    /** A person in one organization. */
    record MemberRow(UserRow user, String organizationId, MemberRole role, Instant joinedAt) {}

    long countUsers() {
        return jdbc.sql("SELECT COUNT(*) FROM users").query(Long.class).single();
    }

    /** @return false when the email is taken */
    boolean insertUser(UserRow user) {
        return jdbc.sql("INSERT INTO users (id, email, display_name, password_hash, platform_operator, created_at)"
                                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")
                        .params(
                                user.id(),
                                user.email(),
                                user.displayName(),
                                user.passwordHash(),
                                user.platformOperator(),
                                Timestamp.from(user.createdAt()))
                        .update()
                > 0;
    }

    Optional<UserRow> findByEmail(String email) {
        return jdbc.sql("SELECT " + USER_COLUMNS + " FROM users u WHERE u.email = ?")
                .param(email)
                .query(UserStore::user)
                .optional();
    }

    Optional<UserRow> findById(UUID id) {
        return jdbc.sql("SELECT " + USER_COLUMNS + " FROM users u WHERE u.id = ?")
                .param(id)
                .query(UserStore::user)
                .optional();
    }

    void setPassword(UUID userId, String hash) {
        jdbc.sql("UPDATE users SET password_hash = ? WHERE id = ?")
                .params(hash, userId)
                .update();
    }

    void recordFailedSignIn(UUID userId, int failures, Instant lockedUntil) {
        jdbc.sql("UPDATE users SET failed_sign_ins = ?, locked_until = ? WHERE id = ?")
                .params(failures, lockedUntil == null ? null : Timestamp.from(lockedUntil), userId)
                .update();
    }

    void clearFailedSignIns(UUID userId) {
        jdbc.sql("UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = ? AND failed_sign_ins > 0")
                .param(userId)
                .update();
    }

    /** @return false when the person is already a member */
    boolean insertMembership(String organizationId, UUID userId, MemberRole role, Instant now) {
        return jdbc.sql("INSERT INTO memberships (organization_id, user_id, role, created_at) VALUES (?, ?, ?, ?)"
                                + " ON CONFLICT DO NOTHING")
                        .params(organizationId, userId, role.value(), Timestamp.from(now))
                        .update()
                > 0;
    }

    boolean updateRole(String organizationId, UUID userId, MemberRole role) {
        return jdbc.sql("UPDATE memberships SET role = ? WHERE organization_id = ? AND user_id = ?")
                        .params(role.value(), organizationId, userId)
                        .update()
                > 0;
    }

    boolean deleteMembership(String organizationId, UUID userId) {
        return jdbc.sql("DELETE FROM memberships WHERE organization_id = ? AND user_id = ?")
                        .params(organizationId, userId)
                        .update()
                > 0;
    }

    List<MemberRow> members(String organizationId) {
        return jdbc.sql("SELECT " + USER_COLUMNS + ", m.organization_id, m.role, m.created_at"
                        + " FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.organization_id = ?"
                        + " ORDER BY u.email")
                .param(organizationId)
                .query(UserStore::member)
                .list();
    }

    Optional<MemberRow> member(String organizationId, UUID userId) {
        return jdbc.sql("SELECT " + USER_COLUMNS + ", m.organization_id, m.role, m.created_at"
                        + " FROM memberships m JOIN users u ON u.id = m.user_id"
                        + " WHERE m.organization_id = ? AND m.user_id = ?")
                .params(organizationId, userId)
                .query(UserStore::member)
                .optional();
    }

    /** Every organization the person belongs to, by organization id. */
    List<MemberRow> memberships(UUID userId) {
        return jdbc.sql("SELECT " + USER_COLUMNS + ", m.organization_id, m.role, m.created_at"
                        + " FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.user_id = ?"
                        + " ORDER BY m.organization_id")
                .param(userId)
                .query(UserStore::member)
                .list();
    }

    long countOwners(String organizationId) {
        return jdbc.sql("SELECT COUNT(*) FROM memberships WHERE organization_id = ? AND role = ?")
                .params(organizationId, MemberRole.OWNER.value())
                .query(Long.class)
                .single();
    }

    private static UserRow user(ResultSet rs, int n) throws SQLException {
        Timestamp locked = rs.getTimestamp(7);
        return new UserRow(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getBoolean(5),
                rs.getInt(6),
                locked == null ? null : locked.toInstant(),
                rs.getTimestamp(8).toInstant());
    }

    private static MemberRow member(ResultSet rs, int n) throws SQLException {
        return new MemberRow(
                user(rs, n),
                rs.getString(9),
                MemberRole.parse(rs.getString(10)).orElse(MemberRole.VIEWER),
                rs.getTimestamp(11).toInstant());
    }
}
