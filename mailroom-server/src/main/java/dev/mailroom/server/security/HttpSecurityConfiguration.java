package dev.mailroom.server.security;

import static dev.mailroom.server.security.Authorities.METRICS;
import static dev.mailroom.server.security.Authorities.PLATFORM;

import dev.mailroom.server.dashboard.DashboardHeaders;
import jakarta.servlet.DispatcherType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.logout.HttpStatusReturningLogoutSuccessHandler;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The one filter chain of every process. Spring Security's firewall first refuses paths that two
 * parsers could read differently (';', encoded '/', '.' or '%', '//', '\', '..'); the rules then
 * match the path the way Spring MVC matches its handlers (decoded segments, exact case), so no
 * spelling of an API route reaches its handler unauthenticated. Anything not named here needs an
 * API caller (a key or a signed-in person): a new route is closed to the anonymous and the metrics
 * token until someone opens it, and the isolation test makes it name its scope.
 *
 * <p>Two kinds of callers. An API key ({@code Authorization: Bearer}) is checked on every request
 * and never opens a session; a browser signs in ({@code POST /login}, email and password, or single
 * sign-on) into a session kept in the database, with a CSRF token (cookie {@code XSRF-TOKEN}, sent
 * back as the header {@code X-XSRF-TOKEN}) on every request that changes something, a new session id
 * at sign-in, and {@code POST /logout}. Requests that carry a bearer token need no CSRF token: a
 * browser never adds that header on its own.
 *
 * <p>Rights: the scopes {@code send}, {@code read}, {@code admin} within the caller's organization;
 * {@code PLATFORM} for Mailroom itself (settings, dead letters, organizations, platform keys, metrics).
 */
@Configuration(proxyBeanMethods = false)
class HttpSecurityConfiguration {
    static final String NEEDS_PLATFORM =
            "this route is for the platform operator: a platform key (mailroom.api.platform-key or one the platform"
                    + " operator created) or the platform operator signed in";
    static final String METRICS_NEED =
            "metrics need a platform key or the metrics token (mailroom.management.metrics-token)";
    static final String XSRF_COOKIE = "XSRF-TOKEN";

    @Bean
    SecurityFilterChain mailroomSecurity(
            HttpSecurity http,
            List<BearerTokens> tokens,
            ManagementProperties management,
            ObjectProvider<UserDetailsService> passwords,
            ObjectProvider<AuthenticationFailureHandler> signInFailures,
            ObjectProvider<SignedInCallers> signedIn,
            ObjectProvider<SingleSignOn> singleSignOn,
            Environment env)
            throws Exception {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        RequestMatcher metrics = EndpointRequest.to("prometheus");
        RequestMatcher platform = new OrRequestMatcher(
                paths.matcher(HttpMethod.PUT, "/api/v1/settings/**"),
                paths.matcher("/api/v1/dead-letters"),
                paths.matcher("/api/v1/dead-letters/**"),
                paths.matcher("/api/v1/organizations"),
                paths.matcher("/api/v1/organizations/**"),
                paths.matcher("/api/v1/platform/**"));
        // Retrying a FAILED message is an administrator's decision, not a sender's.
        RequestMatcher retry = paths.matcher(HttpMethod.POST, "/api/v1/messages/*/retry");
        RequestMatcher send = new AndRequestMatcher(
                new OrRequestMatcher(
                        paths.matcher(HttpMethod.POST, "/api/v1/messages"),
                        paths.matcher(HttpMethod.POST, "/api/v1/messages/**"),
                        paths.matcher(HttpMethod.PATCH, "/api/v1/messages/*")),
                new NegatedRequestMatcher(retry));
        RequestMatcher read = new OrRequestMatcher(
                paths.matcher(HttpMethod.GET, "/api/v1/messages"),
                paths.matcher(HttpMethod.GET, "/api/v1/messages/**"),
                paths.matcher(HttpMethod.GET, "/api/v1/members"),
                paths.matcher(HttpMethod.GET, "/api/v1/members/**"),
                paths.matcher(HttpMethod.GET, "/api/v1/overview"),
                // An endpoint's settings, not its secrets (…/{id}/secret is two segments deep: admin below).
                paths.matcher(HttpMethod.GET, "/api/v1/webhook-endpoints"),
                paths.matcher(HttpMethod.GET, "/api/v1/webhook-endpoints/*"),
                paths.matcher(HttpMethod.GET, "/api/v1/suppressions"),
                paths.matcher(HttpMethod.GET, "/api/v1/suppressions/**"),
                paths.matcher(HttpMethod.GET, "/api/v1/retention"));
        RequestMatcher admin = new OrRequestMatcher(
                retry,
                paths.matcher("/api/v1/users"),
                paths.matcher("/api/v1/users/**"),
                paths.matcher("/api/v1/keys"),
                paths.matcher("/api/v1/keys/**"),
                paths.matcher("/api/v1/webhook-endpoints"),
                // Every change, the secrets, the delivery log (payloads included), replays and test sends.
                paths.matcher("/api/v1/webhook-endpoints/**"),
                // Reading the suppression list is read's (above); changing it is an administrator's.
                paths.matcher("/api/v1/suppressions"),
                paths.matcher("/api/v1/suppressions/**"),
                // Erasing a recipient's data, and the erasures' audit log.
                paths.matcher("/api/v1/recipients/**"),
                paths.matcher("/api/v1/erasures"),
                paths.matcher("/api/v1/erasures/**"),
                // Reading the retention is read's (above); changing it, which deletes history, an administrator's.
                paths.matcher("/api/v1/retention"));
        RequestMatcher anyCaller = new OrRequestMatcher(
                paths.matcher(HttpMethod.GET, "/api/v1/settings"),
                paths.matcher(HttpMethod.GET, "/api/v1/organization"),
                paths.matcher(HttpMethod.GET, "/api/v1/usage"),
                paths.matcher("/api/v1/session"),
                paths.matcher("/api/v1/session/**"));
        RequestMatcher bearer = request -> BearerTokenFilter.bearerToken(request) != null;
        RequestMatcher webhooks = paths.matcher(HttpMethod.POST, "/webhooks/**");
        // One-click unsubscribe (RFC 8058): the signed token in the path is the capability; no key, session or CSRF.
        RequestMatcher unsubscribe = new OrRequestMatcher(
                paths.matcher(HttpMethod.GET, "/unsubscribe/*"), paths.matcher(HttpMethod.POST, "/unsubscribe/*"));

        Map<RequestMatcher, String> needs = new LinkedHashMap<>();
        needs.put(platform, NEEDS_PLATFORM);
        needs.put(send, needsScope(Scope.SEND));
        needs.put(read, needsScope(Scope.READ));
        needs.put(admin, needsScope(Scope.ADMIN));
        needs.put(metrics, METRICS_NEED);
        boolean apiKeys = tokens.stream().anyMatch(t -> !(t instanceof MetricsToken));
        String[] apiCallers = {PLATFORM, Scope.SEND.name(), Scope.READ.name(), Scope.ADMIN.name()};

        CookieCsrfTokenRepository csrfCookie = CookieCsrfTokenRepository.withHttpOnlyFalse();
        boolean https = SecureCookieDefaults.servedOverHttps(env);
        csrfCookie.setCookieCustomizer(cookie -> {
            cookie.sameSite("Strict").path("/");
            if (https) {
                // Behind a TLS-ending proxy the request looks plain; the public URL says it is not.
                cookie.secure(true);
            }
        });

        // The token is written as a cookie only when a page asks for it (GET /api/v1/session or
        // /api/v1/sign-in-options), so a bearer-token client never gets a cookie; the page sends the
        // cookie's value back as is (X-XSRF-TOKEN).
        // CSRF protects what a browser's cookie would authorize: a request of a session, and the sign-in
        // itself (login CSRF). A request with neither is anonymous and answered 401, as an API client expects.
        RequestMatcher signIn = paths.matcher(HttpMethod.POST, "/login");
        RequestMatcher withSession = request -> request.getRequestedSessionId() != null;
        RequestMatcher changes =
                request -> !Set.of("GET", "HEAD", "OPTIONS", "TRACE").contains(request.getMethod());
        http.csrf(csrf -> csrf.csrfTokenRepository(csrfCookie)
                        .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                        .requireCsrfProtectionMatcher(
                                new AndRequestMatcher(changes, new OrRequestMatcher(signIn, withSession)))
                        .ignoringRequestMatchers(bearer, webhooks, unsubscribe))
                // Session management stays Spring Security's default: a new session id at sign-in (fixation),
                // and no session saved for a request authenticated by its bearer token.
                .requestCache(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .headers(DashboardHeaders::configure)
                .addFilterBefore(new BearerTokenFilter(tokens), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(
                                new ProblemEntryPoint(metrics, apiKeys, management.hasMetricsToken()))
                        .accessDeniedHandler(new ProblemAccessDeniedHandler(needs)));
        UserDetailsService signIns = passwords.getIfAvailable();
        if (signIns != null) {
            http.formLogin(form -> form.loginPage("/dashboard/")
                            .loginProcessingUrl("/login")
                            .usernameParameter("email")
                            .passwordParameter("password")
                            .successHandler((request, response, signedInPerson) ->
                                    response.setStatus(HttpStatus.NO_CONTENT.value()))
                            .failureHandler(signInFailures.getObject())
                            .permitAll())
                    .logout(logout -> logout.logoutUrl("/logout")
                            .logoutSuccessHandler(new HttpStatusReturningLogoutSuccessHandler(HttpStatus.NO_CONTENT))
                            .deleteCookies("SESSION", XSRF_COOKIE));
        } else {
            http.formLogin(AbstractHttpConfigurer::disable).logout(AbstractHttpConfigurer::disable);
        }
        // Single sign-on only where providers are configured (and the accounts run): otherwise no OAuth2 login at all.
        SingleSignOn providers = singleSignOn.getIfAvailable();
        if (providers != null) {
            http.oauth2Login(providers::configure);
        }
        signedIn.ifAvailable(
                callers -> http.addFilterBefore(new SignedInCallerFilter(callers), AuthorizationFilter.class));

        http.authorizeHttpRequests(requests -> requests
                // Boot's error page for an error already decided (a 404, a 500, Tomcat's own 400).
                .dispatcherTypeMatchers(DispatcherType.ERROR)
                .permitAll()
                // Status only: details are shown to PLATFORM and METRICS (management.endpoint.health.roles).
                .requestMatchers(EndpointRequest.to("health", "info"))
                .permitAll()
                .requestMatchers(EndpointRequest.toAdditionalPaths(WebServerNamespace.SERVER, "health"))
                .permitAll()
                .requestMatchers(metrics)
                .hasAnyRole(PLATFORM, METRICS)
                .requestMatchers(
                        paths.matcher(HttpMethod.GET, "/"),
                        paths.matcher(HttpMethod.GET, "/dashboard"),
                        paths.matcher(HttpMethod.GET, "/dashboard/**"),
                        paths.matcher(HttpMethod.HEAD, "/dashboard/**"),
                        paths.matcher(HttpMethod.GET, "/api/v1/sign-in-options"))
                .permitAll()
                .requestMatchers(webhooks, unsubscribe)
                .permitAll()
                // The OpenAPI description and Swagger UI are public: the same text is committed to the
                // repository (docs/api/openapi.json), holds no organization's data, and code generators
                // must fetch it without a secret. "Try it out" sends the caller's own key. GET only.
                .requestMatchers(
                        paths.matcher(HttpMethod.GET, "/v3/api-docs"),
                        paths.matcher(HttpMethod.GET, "/v3/api-docs/**"),
                        paths.matcher(HttpMethod.GET, "/v3/api-docs.yaml"),
                        paths.matcher(HttpMethod.GET, "/swagger-ui.html"),
                        paths.matcher(HttpMethod.GET, "/swagger-ui/**"))
                .permitAll()
                .requestMatchers(platform)
                .hasRole(PLATFORM)
                .requestMatchers(send)
                .hasRole(Scope.SEND.name())
                .requestMatchers(read)
                .hasRole(Scope.READ.name())
                .requestMatchers(admin)
                .hasRole(Scope.ADMIN.name())
                .requestMatchers(anyCaller)
                .hasAnyRole(apiCallers)
                .anyRequest()
                .hasAnyRole(apiCallers));
        return http.build();
    }

    static String needsScope(Scope scope) {
        return "this route needs the scope '" + scope.value() + "' (an API key with it, or a role that has it)";
    }

    /** A path the firewall refuses: 400 problem+json (Spring Security's default is a bare 400 error page). */
    @Bean
    RequestRejectedHandler problemForRejectedPaths() {
        return (request, response, rejected) -> {
            DashboardHeaders.writeTo(response);
            ProblemResponses.write(
                    response,
                    400,
                    "Invalid request path",
                    rejected.getMessage()
                            + "; spell the path plainly: no ';', no encoded '/', '\\', '.' or '%', no '//' and no '.' or '..' segments");
        };
    }

    /**
     * Tomcat's own error answers as problem+json ({@link ProblemErrorReportValve}). Added after
     * Spring Boot's error report valve (this customizer runs later), so it is the inner one and answers first.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
        return factory -> factory.addContextCustomizers(
                context -> context.getParent().getPipeline().addValve(new ProblemErrorReportValve()));
    }

    /**
     * A process without the API signs nobody in: this bean keeps Spring Boot from inventing a user
     * with a printed password. Where the accounts run, their UserDetailsService is what checks
     * passwords (Spring Security prefers it to this bean).
     */
    @Bean
    AuthenticationManager noPasswordLogins() {
        return authentication -> {
            throw new ProviderNotFoundException("this process signs nobody in");
        };
    }
}
