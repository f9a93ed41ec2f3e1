package dev.mailroom.server.accounts;

import java.time.Instant;
import java.util.List;

/** Request bodies of the account routes (JSON). */
public final class AccountRequests {
    private AccountRequests() {}

    /** @param owner the organization's first owner: an existing person by email, or a new one with a password */
    /**
     * An organization's plan and its own send limits (null: the plan's). Given as
     * {@code {"plan":"pro","perMinute":1000}}; a limit left out is the plan's.
     */
    public record SendLimitsChange(String plan, Integer perSecond, Integer perMinute, Integer perHour, Integer perDay) {
        SendLimits limits() {
            return new SendLimits(perSecond, perMinute, perHour, perDay);
        }
    }

    /**
     * The caller's organization's retention, in days: {@code {"contentDays":30,"historyDays":400}}. Both are required
     * (a PUT states the whole setting).
     */
    public record RetentionChange(Integer contentDays, Integer historyDays) {}

    public record NewOrganization(String id, String name, String plan, NewMember owner) {}

    /** @param password required for a person Mailroom does not know yet; ignored for one it knows */
    public record NewMember(String email, String displayName, String role, String password) {}

    public record RoleChange(String role) {}

    /** @param expiresAt optional; the key stops working at that instant */
    public record NewKey(String name, List<String> scopes, Instant expiresAt) {}

    public record PasswordChange(String currentPassword, String newPassword) {}

    public record OrganizationChoice(String organizationId) {}
}
