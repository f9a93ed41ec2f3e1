package dev.mailroom.server.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Turns {@code Authorization: Bearer <token>} into the caller, for this request only (no session).
 * It refuses nothing itself: a missing or unknown token leaves the request anonymous, and the
 * authorization rules decide, so a public route (a webhook whose provider sends its own
 * Authorization header) is not refused for a token that is not ours.
 */
final class BearerTokenFilter extends OncePerRequestFilter {
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
                Optional<Authentication> caller = source.authenticate(token);
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
