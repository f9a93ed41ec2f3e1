package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Guards {@code /api/**}: a request needs {@code Authorization: Bearer <api key>}, and its body
 * must fit the size limit. The organization of the key travels on as a request attribute, and
 * every query is scoped by it.
 */
@Component
@ConditionalOnRole(Role.API)
class ApiAuthenticationFilter extends OncePerRequestFilter {
    static final String ORGANIZATION = "mailroom.organization";
    static final String ADMIN = "mailroom.admin";
    /** Above EmailRules.MAX_CONTENT_BYTES once base64 and JSON overhead are added. */
    static final long MAX_BODY_BYTES = 15L * 1024 * 1024;

    private final ApiKeys keys;

    ApiAuthenticationFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        Optional<ApiKeys.Caller> caller = keys.callerFor(token);
        if (caller.isEmpty()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            Problems.write(response, 401, token == null
                    ? "missing API key: send the header 'Authorization: Bearer <api key>'"
                    : "the API key is not valid");
            return;
        }
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            Problems.write(response, 413, "request bodies are limited to " + MAX_BODY_BYTES + " bytes");
            return;
        }
        request.setAttribute(ORGANIZATION, caller.get().organizationId());
        request.setAttribute(ADMIN, caller.get().admin());
        chain.doFilter(request, response);
    }
}
