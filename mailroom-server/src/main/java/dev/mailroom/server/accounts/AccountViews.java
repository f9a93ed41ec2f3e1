package dev.mailroom.server.accounts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the REST API shows of account data (JSON). */
public final class AccountViews {
    private AccountViews() {}

    public record OrganizationView(String id, String name, String plan, Instant createdAt) {
        static OrganizationView of(OrganizationStore.Row row) {
            return new OrganizationView(row.id(), row.name(), row.plan(), row.createdAt());
        }
    }

    /** An organization's retention: its emails' content and history are kept that many days. */
    public record RetentionView(String organizationId, int contentDays, int historyDays) {
        static RetentionView of(String organizationId, RetentionSettings settings) {
            return new RetentionView(organizationId, settings.contentDays(), settings.historyDays());
        }
    }

    /** A person in the caller's organization. */
    public record MemberView(UUID id, String email, String displayName, String role, Instant joinedAt) {
        static MemberView of(UserStore.MemberRow row) {
            return new MemberView(
                    row.user().id(),
                    row.user().email(),
                    row.user().displayName(),
                    row.role().value(),
                    row.joinedAt());
        }
    }

    /** An API key as listed: never the key itself. */
    public record KeyView(
            UUID id,
            String name,
            String prefix,
            List<String> scopes,
            Instant createdAt,
            String createdBy,
            Instant expiresAt,
            Instant lastUsedAt,
            Instant revokedAt) {
        static KeyView of(KeyStore.KeyRow row) {
            return new KeyView(
                    row.id(),
                    row.name(),
                    row.prefix(),
                    List.copyOf(row.scopes()),
                    row.createdAt(),
                    row.createdBy(),
                    row.expiresAt(),
                    row.lastUsedAt(),
                    row.revokedAt());
        }
    }

    /** A key just created: the only answer that holds the key. */
    public record CreatedKey(KeyView key, String secret) {}

    /** The caller as the dashboard needs it: who, acting for which organization, and what else they may choose. */
    public record SessionView(
            String kind,
            UserView user,
            KeyView key,
            Membership organization,
            List<Membership> organizations,
            List<String> scopes,
            boolean platform) {}

    public record UserView(UUID id, String email, String displayName, boolean platformOperator) {}

    public record Membership(String id, String name, String role) {}
}
