package dev.mailroom.server.accounts;

import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.AccountRequests.NewKey;
import dev.mailroom.server.accounts.AccountRequests.NewMember;
import dev.mailroom.server.accounts.AccountRequests.NewOrganization;
import dev.mailroom.server.accounts.AccountViews.CreatedKey;
import dev.mailroom.server.accounts.AccountViews.KeyView;
import dev.mailroom.server.accounts.AccountViews.MemberView;
import dev.mailroom.server.accounts.AccountViews.Membership;
import dev.mailroom.server.accounts.AccountViews.OrganizationView;
import dev.mailroom.server.accounts.AccountViews.SessionView;
import dev.mailroom.server.accounts.AccountViews.UserView;
import dev.mailroom.server.security.Caller;
import dev.mailroom.server.security.Scope;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the REST API may do with account data. Every method takes the {@link Caller} and works only
 * within the caller's organization (platform methods aside): someone else's person or key is "not
 * found", never "forbidden", so that ids of other organizations reveal nothing. Checks come first;
 * a refused request changes nothing.
 */
@Component
@ConditionalOnRole(Role.API)
public class Accounts {
    /** The organization every message recorded before organizations existed belongs to (migration V6). */
    public static final String FIRST_ORGANIZATION = "default";

    static final Pattern ORGANIZATION_ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    static final Pattern PLAN = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    static final int MAX_NAME = 200;
    static final Duration MAX_KEY_LIFETIME = Duration.ofDays(3660);
    static final int MAX_SEND_LIMIT = 1_000_000_000;

    private final OrganizationStore organizations;
    private final UserStore users;
    private final KeyStore keys;
    private final KeyAuthentication keyChecks;
    private final SessionCallers sessions;
    private final OtherSessions otherSessions;
    private final SignIns signIns;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final SendAllowance sendAllowance;

    Accounts(
            OrganizationStore organizations,
            UserStore users,
            KeyStore keys,
            KeyAuthentication keyChecks,
            SessionCallers sessions,
            OtherSessions otherSessions,
            SignIns signIns,
            @Qualifier(AccountsDatabase.POOL) TransactionTemplate transactions,
            Clock clock,
            SendAllowance sendAllowance) {
        this.sendAllowance = sendAllowance;
        this.organizations = organizations;
        this.users = users;
        this.keys = keys;
        this.keyChecks = keyChecks;
        this.sessions = sessions;
        this.otherSessions = otherSessions;
        this.signIns = signIns;
        this.transactions = transactions;
        this.clock = clock;
    }

    // The caller's own organization and session.

    public OrganizationView organization(Caller caller) {
        return organizations
                .find(requireOrganization(caller))
                .map(OrganizationView::of)
                .orElseThrow(() -> AccountException.notFound("organization", "organization"));
    }

    public SessionView describe(Caller caller) {
        List<String> scopes =
                caller.scopes().stream().map(Scope::value).sorted().toList();
        if (!caller.isPerson()) {
            KeyView key = caller.keyId() == null
                    ? null
                    : keys.find(caller.organizationId(), caller.keyId())
                            .map(KeyView::of)
                            .orElse(null);
            Membership org = caller.organizationId() == null ? null : membershipOf(caller.organizationId(), null);
            return new SessionView(
                    "key", null, key, org, org == null ? List.of() : List.of(org), scopes, caller.platform());
        }
        UserStore.UserRow user =
                users.findById(caller.userId()).orElseThrow(() -> AccountException.notFound("user", "user"));
        Map<String, String> names = organizations.all().stream()
                .collect(Collectors.toMap(OrganizationStore.Row::id, OrganizationStore.Row::name));
        List<Membership> all = users.memberships(user.id()).stream()
                .map(m -> new Membership(
                        m.organizationId(),
                        names.get(m.organizationId()),
                        m.role().value()))
                .toList();
        Membership current = all.stream()
                .filter(m -> m.id().equals(caller.organizationId()))
                .findFirst()
                .orElse(null);
        return new SessionView(
                "user",
                new UserView(user.id(), user.email(), user.displayName(), user.platformOperator()),
                null,
                current,
                all,
                scopes,
                caller.platform());
    }

    /** The organization a signed-in person acts for from now on in this session. */
    public void choose(Caller caller, String organizationId, HttpSession session) {
        if (!caller.isPerson()) {
            throw AccountException.invalid("organizationId", "only a signed-in person chooses an organization");
        }
        boolean member = users.memberships(caller.userId()).stream()
                .anyMatch(m -> m.organizationId().equals(organizationId));
        if (!member) {
            throw AccountException.notFound("organizationId", "organization");
        }
        session.setAttribute(SessionCallers.ORGANIZATION, organizationId);
    }

    /** Also ends the person's other sessions: whoever knew the old password is signed out everywhere. */
    public void changePassword(Caller caller, AccountRequests.PasswordChange change, String currentSessionId) {
        if (!caller.isPerson()) {
            throw AccountException.invalid("currentPassword", "only a signed-in person has a password");
        }
        UserStore.UserRow user =
                users.findById(caller.userId()).orElseThrow(() -> AccountException.notFound("user", "user"));
        if (user.lockedUntil() != null && user.lockedUntil().isAfter(clock.instant())) {
            throw new AccountException(
                    429,
                    "Sign-in locked",
                    List.of(new Violation("currentPassword", "too many wrong passwords: try again later")));
        }
        if (user.passwordHash() == null
                || change.currentPassword() == null
                || !Passwords.encoder().matches(change.currentPassword(), user.passwordHash())) {
            // Counted like a failed sign-in: a stolen session cannot guess the password here either.
            int failures = user.failedSignIns() + 1;
            users.recordFailedSignIn(user.id(), failures, signIns.lockUntil(failures));
            throw AccountException.invalid("currentPassword", "is not this account's password");
        }
        Passwords.problemWith("newPassword", change.newPassword(), user.email()).ifPresent(v -> {
            throw AccountException.invalid(List.of(v));
        });
        users.setPassword(user.id(), Passwords.hash(change.newPassword()));
        otherSessions.end(user.id(), currentSessionId);
    }

    // People of the caller's organization (scope admin).

    public List<MemberView> members(Caller caller) {
        return users.members(requireOrganization(caller)).stream()
                .map(MemberView::of)
                .toList();
    }

    public MemberView addMember(Caller caller, NewMember request) {
        String organization = requireOrganization(caller);
        MemberRole role = roleOf("role", request.role());
        if (role == MemberRole.OWNER) {
            requireOwner(caller, organization);
        }
        MemberView added = transactions.execute(t -> addMember(organization, request, role, ""));
        sessions.forget(added.id());
        return added;
    }

    public MemberView changeRole(Caller caller, UUID userId, AccountRequests.RoleChange change) {
        String organization = requireOrganization(caller);
        UserStore.MemberRow member =
                users.member(organization, userId).orElseThrow(() -> AccountException.notFound("userId", "user"));
        MemberRole role = roleOf("role", change.role());
        if (role == MemberRole.OWNER || member.role() == MemberRole.OWNER) {
            requireOwner(caller, organization);
        }
        if (member.role() == MemberRole.OWNER && role != MemberRole.OWNER && users.countOwners(organization) <= 1) {
            throw AccountException.conflict("role", "the last owner of an organization stays an owner");
        }
        users.updateRole(organization, userId, role);
        sessions.forget(userId);
        return users.member(organization, userId).map(MemberView::of).orElseThrow();
    }

    public void removeMember(Caller caller, UUID userId) {
        String organization = requireOrganization(caller);
        UserStore.MemberRow member =
                users.member(organization, userId).orElseThrow(() -> AccountException.notFound("userId", "user"));
        if (member.role() == MemberRole.OWNER) {
            requireOwner(caller, organization);
            if (users.countOwners(organization) <= 1) {
                throw AccountException.conflict("userId", "the last owner of an organization cannot be removed");
            }
        }
        users.deleteMembership(organization, userId);
        sessions.forget(userId);
    }

    // API keys of the caller's organization (scope admin), and platform keys.

    public List<KeyView> keys(Caller caller) {
        return keys.list(requireOrganization(caller)).stream().map(KeyView::of).toList();
    }

    public CreatedKey createKey(Caller caller, NewKey request) {
        String organization = requireOrganization(caller);
        Set<String> scopes = scopesOf(request.scopes());
        return create(organization, request, scopes, caller);
    }

    public KeyView revokeKey(Caller caller, UUID id) {
        return revoke(requireOrganization(caller), id);
    }

    public List<KeyView> platformKeys() {
        return keys.list(null).stream().map(KeyView::of).toList();
    }

    public CreatedKey createPlatformKey(Caller caller, NewKey request) {
        if (request.scopes() != null
                && !request.scopes().isEmpty()
                && !request.scopes().equals(List.of(KeyStore.PLATFORM))) {
            throw AccountException.invalid("scopes", "a platform key has the one scope 'platform'");
        }
        return create(null, request, Set.of(KeyStore.PLATFORM), caller);
    }

    public KeyView revokePlatformKey(UUID id) {
        return revoke(null, id);
    }

    // The caller's organization's retention (read: any caller of it with scope read; change: scope admin).

    public AccountViews.RetentionView retention(Caller caller) {
        String organization = requireOrganization(caller);
        return organizations
                .retention(organization)
                .map(r -> AccountViews.RetentionView.of(organization, r))
                .orElseThrow(() -> AccountException.notFound("organization", "organization"));
    }

    /**
     * Sets how long the caller's organization's emails keep their content and their history. Both are whole days
     * between {@link RetentionSettings#MIN_DAYS} and {@link RetentionSettings#MAX_DAYS}, and the content is kept at
     * most as long as the history (an email's content goes with it). Shortening takes effect at the operator's next
     * retention run: what is older is deleted then, for good.
     */
    public AccountViews.RetentionView setRetention(Caller caller, AccountRequests.RetentionChange change) {
        String organization = requireOrganization(caller);
        List<Violation> problems = new ArrayList<>();
        String range = "must be a whole number of days between " + RetentionSettings.MIN_DAYS + " and "
                + RetentionSettings.MAX_DAYS;
        Integer content = change == null ? null : change.contentDays();
        Integer history = change == null ? null : change.historyDays();
        if (content == null) {
            problems.add(new Violation(
                    "contentDays",
                    "is required: " + range + " (default " + RetentionSettings.DEFAULT_CONTENT_DAYS + ")"));
        } else if (content < RetentionSettings.MIN_DAYS || content > RetentionSettings.MAX_DAYS) {
            problems.add(new Violation("contentDays", range));
        }
        if (history == null) {
            problems.add(new Violation(
                    "historyDays",
                    "is required: " + range + " (default " + RetentionSettings.DEFAULT_HISTORY_DAYS + ")"));
        } else if (history < RetentionSettings.MIN_DAYS || history > RetentionSettings.MAX_DAYS) {
            problems.add(new Violation("historyDays", range));
        }
        if (problems.isEmpty() && content > history) {
            // An email's content goes with the email: kept longer than the history, it would not be kept at all.
            problems.add(new Violation(
                    "contentDays", "must not exceed historyDays (" + history + "): the content goes with the email"));
        }
        if (!problems.isEmpty()) {
            throw AccountException.invalid(problems);
        }
        RetentionSettings settings = new RetentionSettings(content, history);
        if (!organizations.updateRetention(organization, settings)) {
            throw AccountException.notFound("organization", "organization");
        }
        return AccountViews.RetentionView.of(organization, settings);
    }

    // Organizations (platform).

    public List<OrganizationView> organizations() {
        return organizations.all().stream().map(OrganizationView::of).toList();
    }

    public OrganizationView platformOrganization(String id) {
        return organizations
                .find(id)
                .map(OrganizationView::of)
                .orElseThrow(() -> AccountException.notFound("id", "organization"));
    }

    /** An organization's send-limit usage: the caller's own organization. */
    public SendAllowance.Usage usage(Caller caller) {
        return sendAllowance.usage(requireOrganization(caller));
    }

    /** Any organization's send-limit usage (platform). */
    public SendAllowance.Usage platformUsage(String id) {
        platformOrganization(id);
        return sendAllowance.usage(id);
    }

    /**
     * Sets an organization's plan and its own limits (platform). The plan must be one configured, the default
     * one, or the organization's current one; each limit is a positive number or null (the plan's).
     */
    public SendAllowance.Usage setSendLimits(String id, AccountRequests.SendLimitsChange change) {
        OrganizationView organization = platformOrganization(id);
        List<Violation> problems = new ArrayList<>();
        String plan = change.plan() == null ? organization.plan() : change.plan();
        if (!PLAN.matcher(plan).matches()) {
            problems.add(new Violation("plan", "must be 1-32 characters of a-z, 0-9 and '-'"));
        } else if (!sendAllowance.plans().containsKey(plan)
                && !plan.equals(SendAllowance.DEFAULT_PLAN)
                && !plan.equals(organization.plan())) {
            problems.add(new Violation(
                    "plan",
                    "unknown plan '" + plan + "'; configured: "
                            + new java.util.TreeSet<>(sendAllowance.plans().keySet())
                            + " (mailroom.accounts.plans.<name>.per-minute=…) or '" + SendAllowance.DEFAULT_PLAN
                            + "'"));
        }
        SendLimits own = change.limits();
        for (SendWindow w : SendWindow.values()) {
            Integer limit = own.of(w);
            if (limit != null && (limit < 1 || limit > MAX_SEND_LIMIT)) {
                problems.add(new Violation(
                        w.value(), "must be between 1 and " + MAX_SEND_LIMIT + ", or null for the plan's limit"));
            }
        }
        if (!problems.isEmpty()) {
            throw AccountException.invalid(problems);
        }
        if (!sendAllowance.update(id, plan, own)) {
            throw AccountException.notFound("id", "organization");
        }
        return sendAllowance.usage(id);
    }

    public OrganizationView createOrganization(NewOrganization request) {
        List<Violation> problems = new ArrayList<>();
        if (request.id() == null || !ORGANIZATION_ID.matcher(request.id()).matches()) {
            problems.add(new Violation(
                    "id", "must be 2-63 characters of a-z, 0-9 and '-', starting with a letter or digit"));
        }
        checkName(problems, "name", request.name());
        String plan = request.plan() == null ? SendAllowance.DEFAULT_PLAN : request.plan();
        if (!PLAN.matcher(plan).matches()) {
            problems.add(new Violation("plan", "must be 1-32 characters of a-z, 0-9 and '-'"));
        }
        if (request.owner() == null) {
            problems.add(new Violation(
                    "owner", "is required: the organization's first owner (email, displayName, password)"));
        }
        if (!problems.isEmpty()) {
            throw AccountException.invalid(problems);
        }
        Instant now = clock.instant();
        OrganizationStore.Row row =
                new OrganizationStore.Row(request.id(), request.name().strip(), plan, now);
        transactions.executeWithoutResult(t -> {
            if (!organizations.insert(row)) {
                throw AccountException.conflict("id", "an organization with this id exists");
            }
            addMember(row.id(), request.owner(), MemberRole.OWNER, "owner.");
        });
        return OrganizationView.of(row);
    }

    // Shared steps.

    private MemberView addMember(String organization, NewMember request, MemberRole role, String fieldPrefix) {
        List<Violation> problems = new ArrayList<>();
        String email = request.email() == null ? null : SignIns.normalize(request.email());
        if (email == null || !EmailRules.isValidAddress(email)) {
            problems.add(new Violation(fieldPrefix + "email", "must be a valid email address"));
        }
        if (!problems.isEmpty()) {
            throw AccountException.invalid(problems);
        }
        Instant now = clock.instant();
        UserStore.UserRow user = users.findByEmail(email).orElse(null);
        if (user == null) {
            checkName(problems, fieldPrefix + "displayName", request.displayName());
            Passwords.problemWith(fieldPrefix + "password", request.password(), email)
                    .ifPresent(problems::add);
            if (!problems.isEmpty()) {
                throw AccountException.invalid(problems);
            }
            user = new UserStore.UserRow(
                    UUID.randomUUID(),
                    email,
                    request.displayName().strip(),
                    Passwords.hash(request.password()),
                    false,
                    0,
                    null,
                    now);
            if (!users.insertUser(user)) {
                throw AccountException.conflict(
                        fieldPrefix + "email", "this person was added at the same moment; try again");
            }
        }
        if (!users.insertMembership(organization, user.id(), role, now)) {
            throw AccountException.conflict(
                    fieldPrefix + "email", "this person is already a member of the organization");
        }
        return users.member(organization, user.id()).map(MemberView::of).orElseThrow();
    }

    private CreatedKey create(String organization, NewKey request, Set<String> scopes, Caller caller) {
        List<Violation> problems = new ArrayList<>();
        checkName(problems, "name", request.name());
        Instant now = clock.instant();
        if (request.expiresAt() != null
                && (!request.expiresAt().isAfter(now) || request.expiresAt().isAfter(now.plus(MAX_KEY_LIFETIME)))) {
            problems.add(new Violation("expiresAt", "must be in the future and within 10 years"));
        }
        if (!problems.isEmpty()) {
            throw AccountException.invalid(problems);
        }
        KeyMaterial.NewKey material = KeyMaterial.generate();
        KeyStore.KeyRow row = new KeyStore.KeyRow(
                UUID.randomUUID(),
                organization,
                request.name().strip(),
                material.prefix(),
                scopes,
                now,
                caller.name(),
                request.expiresAt(),
                null,
                null);
        keys.insert(row, material.hash(), material.publicId());
        return new CreatedKey(KeyView.of(row), material.key());
    }

    private KeyView revoke(String organization, UUID id) {
        KeyStore.KeyRow key = keys.find(organization, id).orElseThrow(() -> AccountException.notFound("id", "API key"));
        keys.revoke(organization, id, clock.instant());
        // This process forgets at once; every other one within mailroom.accounts.key-recheck.
        keyChecks.forgetAll();
        return keys.find(organization, id).map(KeyView::of).orElse(KeyView.of(key));
    }

    private Membership membershipOf(String organizationId, String role) {
        return organizations
                .find(organizationId)
                .map(o -> new Membership(o.id(), o.name(), role))
                .orElse(null);
    }

    private void requireOwner(Caller caller, String organization) {
        if (!caller.isPerson()) {
            // An admin key is not a person, and owners are people: it may not make or unmake them.
            throw new AccountException(
                    403, "Forbidden", List.of(new Violation("role", "only an owner (a person) manages owners")));
        }
        boolean owner = users.member(organization, caller.userId())
                .map(m -> m.role() == MemberRole.OWNER)
                .orElse(false);
        if (!owner) {
            throw new AccountException(
                    403, "Forbidden", List.of(new Violation("role", "only an owner manages owners")));
        }
    }

    static String requireOrganization(Caller caller) {
        if (caller.organizationId() == null) {
            throw new AccountException(
                    403, "Forbidden", List.of(new Violation("organization", "this caller acts for no organization")));
        }
        return caller.organizationId();
    }

    private static MemberRole roleOf(String field, String text) {
        return MemberRole.parse(text)
                .orElseThrow(() -> AccountException.invalid(field, "must be one of owner, admin, viewer"));
    }

    private static Set<String> scopesOf(List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            throw AccountException.invalid("scopes", "at least one of send, read, admin");
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            String s = requested.get(i);
            if (Scope.parse(s).isEmpty()) {
                throw AccountException.invalid("scopes[" + i + "]", "must be one of send, read, admin");
            }
            scopes.add(s);
        }
        return scopes;
    }

    private static void checkName(List<Violation> problems, String field, String name) {
        if (name == null || name.isBlank()) {
            problems.add(new Violation(field, "is required"));
        } else if (name.strip().length() > MAX_NAME) {
            problems.add(new Violation(field, "is longer than " + MAX_NAME + " characters"));
        } else if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            problems.add(new Violation(field, "contains control characters"));
        }
    }
}
