package dev.mailroom.server.dashboard;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.HeadersConfigurer;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.header.writers.ContentSecurityPolicyHeaderWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The dashboard acts with a signed-in person's session and sends their CSRF token on every change,
 * so it allows nothing but its own files: no inline or foreign scripts (an injected one could act as
 * that person), no framing (no clicks tricked through a frame), no referrer.
 *
 * <p>These headers go on every response of every process, through Spring Security's header
 * support: on the dashboard however its path is spelled, and on the API's JSON and error pages too,
 * where a policy that allows nothing costs nothing. The dashboard's files are revalidated on every
 * load ({@code spring.web.resources.cache.cachecontrol.no-cache}), so a new version shows up
 * without a hard refresh; everything else is {@code no-store} (Spring Security's default).
 */
public final class DashboardHeaders {
    public static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
                    + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /**
     * Swagger UI ({@code /swagger-ui/**}, the public API description's viewer) sets inline styles and shows
     * data: icons from its stylesheet; everything else of the policy holds there too (no script but its own
     * files, no framing, requests to this origin only). Any other path keeps the policy above.
     */
    public static final String SWAGGER_UI_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
                    + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private DashboardHeaders() {}

    /** The chain's headers: this policy, no referrer, never framed; nosniff and no-store stay Spring Security's defaults. */
    public static void configure(HeadersConfigurer<HttpSecurity> headers) {
        RequestMatcher swaggerUi = PathPatternRequestMatcher.withDefaults().matcher("/swagger-ui/**");
        headers.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                        swaggerUi, new ContentSecurityPolicyHeaderWriter(SWAGGER_UI_POLICY)))
                .addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                        new NegatedRequestMatcher(swaggerUi),
                        new ContentSecurityPolicyHeaderWriter(CONTENT_SECURITY_POLICY)))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER))
                .frameOptions(HeadersConfigurer.FrameOptionsConfig::deny)
                .addObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                    @Override
                    public <O extends HeaderWriterFilter> O postProcess(O filter) {
                        // Before the request is handled, not when the response commits: a forward
                        // (/dashboard/ to its index.html) answering HEAD commits without a body, out
                        // of the filter's sight, and would go out without them.
                        filter.setShouldWriteHeadersEagerly(true);
                        return filter;
                    }
                });
    }

    /** The same headers on an answer written before the chain's header support runs (a path the firewall refuses). */
    public static void writeTo(HttpServletResponse response) {
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Cache-Control", "no-store");
    }
}
