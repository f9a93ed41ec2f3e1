package dev.mailroom.server.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.security.web.util.matcher.RequestMatcher;

/** 403 for a caller who is known but lacks the right: problem+json saying which scope or right the route needs. */
final class ProblemAccessDeniedHandler implements AccessDeniedHandler {
    static final String NOT_AN_API_KEY =
            "the metrics token opens only the metrics endpoint; this route needs an API key";
    static final String DEFAULT = "this caller may not use this route";
    static final String CSRF = "missing or wrong CSRF token: a signed-in browser sends the XSRF-TOKEN cookie's"
            + " value as the X-XSRF-TOKEN header on every request that changes something";

    private final Map<RequestMatcher, String> details;

    /** @param details what each guarded route needs, first match wins */
    ProblemAccessDeniedHandler(Map<RequestMatcher, String> details) {
        this.details = new LinkedHashMap<>(details);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        if (e instanceof CsrfException) {
            ProblemResponses.write(response, 403, CSRF);
            return;
        }
        if (!isCaller()) {
            ProblemResponses.write(response, 403, NOT_AN_API_KEY);
            return;
        }
        String detail = details.entrySet().stream()
                .filter(d -> d.getKey().matches(request))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(DEFAULT);
        ProblemResponses.write(response, 403, detail);
    }

    private static boolean isCaller() {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        return caller != null && caller.getPrincipal() instanceof Caller;
    }
}
