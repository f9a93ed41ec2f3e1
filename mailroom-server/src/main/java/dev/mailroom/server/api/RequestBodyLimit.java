package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.security.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The one place of the API's request body limit: a body announced larger than
 * {@link #MAX_BODY_BYTES} is refused with 413 before anything reads it. Runs after the security
 * chain (an unauthenticated caller learns nothing but 401). Every request of the process is
 * covered except the webhook sink's, which has its own limit ({@code mailroom.webhooks.max-body-bytes}).
 */
@Component
@ConditionalOnRole(Role.API)
class RequestBodyLimit extends OncePerRequestFilter {
    /** Above EmailRules.MAX_CONTENT_BYTES once base64 and JSON overhead are added. */
    static final long MAX_BODY_BYTES = 15L * 1024 * 1024;

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // A raw-path test is safe here: a spelling that dodges it only gets this limit too.
        return request.getRequestURI().startsWith("/webhooks/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            ProblemResponses.write(response, 413, "request bodies are limited to " + MAX_BODY_BYTES + " bytes");
            return;
        }
        chain.doFilter(request, response);
    }
}
