package dev.mailroom.server.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * For a request of a signed-in person (a session), puts the {@link Caller} in place of the sign-in,
 * for this request only (the session keeps the sign-in, not the caller): the organization and scopes
 * are read afresh, so a removed member loses access at once on their next request. A person who no
 * longer exists is anonymous.
 */
final class SignedInCallerFilter extends OncePerRequestFilter {
    private final SignedInCallers callers;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    SignedInCallerFilter(SignedInCallers callers) {
        this.callers = callers;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication current = contexts.getContext().getAuthentication();
        // A request with a bearer token is that token's, never a session's (the metrics token's principal is not a
        // Caller).
        if (BearerTokenFilter.bearerToken(request) == null
                && current != null
                && current.isAuthenticated()
                && !(current instanceof AnonymousAuthenticationToken)
                && !(current.getPrincipal() instanceof Caller)) {
            Optional<Caller> caller = callers.callerFor(current, request);
            SecurityContext context = contexts.createEmptyContext();
            caller.map(CallerAuthentication::of).ifPresent(context::setAuthentication);
            contexts.setContext(context);
        }
        chain.doFilter(request, response);
    }
}
