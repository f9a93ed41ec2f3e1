package dev.mailroom.server.accounts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.security.Caller;
import dev.mailroom.server.security.SignedInCallers;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * A signed-in person as the caller of a request: the organization chosen in their session (the
 * first of theirs when none is chosen, or when they left the one chosen) with their role's scopes.
 * What is read about a person is kept for {@code mailroom.accounts.key-recheck}, so that a removal or
 * a role change reaches open sessions on every API process within seconds.
 */
@Component
@ConditionalOnRole(Role.API)
class SessionCallers implements SignedInCallers {
    /** The session attribute holding the organization the person acts for. */
    static final String ORGANIZATION = "mailroom.organization";

    private final UserStore users;
    private final Cache<UUID, Optional<Person>> recent;

    SessionCallers(UserStore users, AccountsProperties properties) {
        this.users = users;
        this.recent = Caffeine.newBuilder()
                .maximumSize(10_000)
                .expireAfterWrite(properties.keyRecheck())
                .build();
    }

    record Person(UserStore.UserRow user, List<UserStore.MemberRow> memberships) {}

    @Override
    public Optional<Caller> callerFor(Authentication signedIn, HttpServletRequest request) {
        UUID id;
        try {
            id = UUID.fromString(signedIn.getName());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Optional<Person> person = recent.get(id, this::load);
        if (person.isEmpty()) {
            return Optional.empty();
        }
        HttpSession session = request.getSession(false);
        String chosen = session == null ? null : (String) session.getAttribute(ORGANIZATION);
        return Optional.of(callerOf(person.get(), chosen));
    }

    static Caller callerOf(Person person, String chosen) {
        UserStore.MemberRow membership = person.memberships().stream()
                .filter(m -> m.organizationId().equals(chosen))
                .findFirst()
                .orElse(
                        person.memberships().isEmpty()
                                ? null
                                : person.memberships().get(0));
        UserStore.UserRow user = person.user();
        return new Caller(
                membership == null ? null : membership.organizationId(),
                membership == null ? Set.of() : membership.role().scopes(),
                user.platformOperator(),
                user.email(),
                user.id(),
                null);
    }

    /** Forgets what was read about a person, so that a change made on this process applies at once. */
    void forget(UUID userId) {
        recent.invalidate(userId);
    }

    private Optional<Person> load(UUID id) {
        return users.findById(id).map(user -> new Person(user, users.memberships(id)));
    }
}
