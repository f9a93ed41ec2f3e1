package dev.mailroom.server.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns {@code Authorization: Bearer <token>} into the caller, for this request only (no session).
 * It refuses nothing itself: a missing, unknown, revoked or expired token leaves the request
 * anonymous (a source that knows the token says why, for the 401), and the
 * authorization rules decide, so a public route (a webhook whose provider sends its own
 * Authorization header) is not refused for a token that is not ours.
 */
final class BearerTokenFilter extends OncePerRequestFilter {
    /** Request attribute: why a token that a source knows was refused (revoked, expired), for the 401's detail. */
    static final String REFUSED = BearerTokenFilter.class.getName() + ".refused";

    private final List<BearerTokens> sources;
    private final SecurityContextHolderStrategy contexts = SecurityContextHolder.getContextHolderStrategy();

    BearerTokenFilter(List<BearerTokens> sources) {
        this.sources = List.copyOf(sources);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = bearerToken(request);
        if (token != null) {
            for (BearerTokens source : sources) {
                Optional<Authentication> caller;
                try {
                    caller = source.authenticate(token);
                } catch (AuthenticationServiceException unavailable) {
                    // Not the caller's fault: the credentials cannot be checked now (the database is away).
                    response.setHeader(HttpHeaders.RETRY_AFTER, "5");
                    ProblemResponses.write(response, 503, unavailable.getMessage());
                    return;
                } catch (AuthenticationException refused) {
                    request.setAttribute(REFUSED, refused.getMessage());
                    break;
                }
                if (caller.isPresent()) {
                    SecurityContext context = contexts.createEmptyContext();
                    context.setAuthentication(caller.get());
                    contexts.setContext(context);
                    break;
                }
            }
        }
        chain.doFilter(request, response);
    }

    /** The token of an {@code Authorization: Bearer} header (scheme in any case), or null when there is none. */
    static String bearerToken(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
