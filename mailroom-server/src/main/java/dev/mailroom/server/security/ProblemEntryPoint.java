package dev.mailroom.server.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.RequestMatcher;

/** 401 for a caller without a valid token: problem+json, {@code WWW-Authenticate: Bearer}, and what to send. */
final class ProblemEntryPoint implements AuthenticationEntryPoint {
    static final String MISSING_KEY = "missing API key: send the header 'Authorization: Bearer <api key>'";
    static final String INVALID_KEY = "the API key is not valid";
    static final String METRICS_CLOSED = "metrics are closed in this process: set mailroom.management.metrics-token"
            + " and send it as 'Authorization: Bearer <token>'";

    private final RequestMatcher metrics;
    private final boolean apiKeys;
    private final boolean metricsToken;

    /**
     * @param apiKeys      whether this process has API keys (the API role)
     * @param metricsToken whether {@code mailroom.management.metrics-token} is set
     */
    ProblemEntryPoint(RequestMatcher metrics, boolean apiKeys, boolean metricsToken) {
        this.metrics = metrics;
        this.apiKeys = apiKeys;
        this.metricsToken = metricsToken;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        boolean sent = BearerTokenFilter.bearerToken(request) != null;
        Object refused = request.getAttribute(BearerTokenFilter.REFUSED);
        String detail = metrics.matches(request)
                ? metricsDetail(sent)
                : refused != null ? refused.toString() : sent ? INVALID_KEY : MISSING_KEY;
        ProblemResponses.write(response, 401, detail);
    }

    private String metricsDetail(boolean sent) {
        if (!apiKeys && !metricsToken) {
            return METRICS_CLOSED;
        }
        String which = apiKeys && metricsToken
                ? "a platform key or the metrics token (mailroom.management.metrics-token)"
                : apiKeys
                        ? "a platform key (or set mailroom.management.metrics-token and send that)"
                        : "the metrics token (mailroom.management.metrics-token)";
        return (sent ? "the token is not valid; metrics need " : "metrics need ") + which
                + " as 'Authorization: Bearer <token>'";
    }
}
