package dev.mailroom.server.accounts;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.security.ProblemResponses;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.event.AuthenticationFailureBadCredentialsEvent;
import org.springframework.security.authentication.event.AuthenticationSuccessEvent;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.stereotype.Component;

/**
 * Sign-in with email and password (Spring Security's form login checks the password). The signed-in
 * name is the person's user id, never the email, so that every later request finds them by id. After
 * {@code mailroom.accounts.sign-in.max-failures} failures in a row the account is locked for
 * {@code lock-for}, doubled by each further failure up to {@code max-lock-for}; a success clears it.
 * A wrong password and an unknown email get the same answer.
 */
@Component
@ConditionalOnRole(Role.API)
class SignIns implements UserDetailsService, AuthenticationFailureHandler {
    static final String WRONG = "wrong email or password";

    private final UserStore users;
    private final AccountsProperties.SignIn rules;
    private final Clock clock;

    SignIns(UserStore users, AccountsProperties properties, Clock clock) {
        this.users = users;
        this.rules = properties.signIn();
        this.clock = clock;
    }

    @Override
    public UserDetails loadUserByUsername(String email) {
        UserStore.UserRow user = find(email)
                .filter(u -> u.passwordHash() != null)
                .orElseThrow(() -> new UsernameNotFoundException(WRONG));
        return User.withUsername(user.id().toString())
                .password(user.passwordHash())
                .accountLocked(isLocked(user))
                .authorities(List.of())
                .build();
    }

    @EventListener
    void failed(AuthenticationFailureBadCredentialsEvent event) {
        Object typed = event.getAuthentication().getPrincipal();
        if (!(typed instanceof String email)) {
            return;
        }
        find(email).ifPresent(user -> {
            int failures = user.failedSignIns() + 1;
            users.recordFailedSignIn(user.id(), failures, lockUntil(failures));
        });
    }

    @EventListener
    void succeeded(AuthenticationSuccessEvent event) {
        // Only a password sign-in clears the password's failures: single sign-on leaves them as they are.
        if (!(event.getAuthentication() instanceof UsernamePasswordAuthenticationToken)) {
            return;
        }
        try {
            users.clearFailedSignIns(UUID.fromString(event.getAuthentication().getName()));
        } catch (IllegalArgumentException notAPerson) {
            // An API key or another kind of sign-in: nothing to clear.
        }
    }

    @Override
    public void onAuthenticationFailure(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        if (failure instanceof LockedException) {
            Instant until = find(request.getParameter("email"))
                    .map(UserStore.UserRow::lockedUntil)
                    .orElse(clock.instant());
            long seconds = Math.max(1, Duration.between(clock.instant(), until).toSeconds());
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            ProblemResponses.write(
                    response,
                    429,
                    "Sign-in locked",
                    "too many failed sign-ins for this account: try again in " + seconds + " s");
            return;
        }
        ProblemResponses.write(response, 401, "Sign-in failed", WRONG);
    }

    Instant lockUntil(int failures) {
        if (failures < rules.maxFailures()) {
            return null;
        }
        int doublings = Math.min(failures - rules.maxFailures(), 16);
        Duration lock = rules.lockFor().multipliedBy(1L << doublings);
        if (lock.compareTo(rules.maxLockFor()) > 0) {
            lock = rules.maxLockFor();
        }
        return clock.instant().plus(lock);
    }

    private boolean isLocked(UserStore.UserRow user) {
        return user.lockedUntil() != null && user.lockedUntil().isAfter(clock.instant());
    }

    private Optional<UserStore.UserRow> find(String email) {
        return email == null ? Optional.empty() : users.findByEmail(normalize(email));
    }

    static String normalize(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }
}
