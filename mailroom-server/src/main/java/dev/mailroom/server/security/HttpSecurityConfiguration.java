package dev.mailroom.server.security;

import static dev.mailroom.server.security.Authorities.ADMIN;
import static dev.mailroom.server.security.Authorities.API;
import static dev.mailroom.server.security.Authorities.METRICS;

import dev.mailroom.server.dashboard.DashboardHeaders;
import jakarta.servlet.DispatcherType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The one filter chain of every process. Spring Security's firewall first refuses paths that two
 * parsers could read differently (';', encoded '/', '.' or '%', '//', '\', '..'); the rules then
 * match the path the way Spring MVC matches its handlers (decoded segments, exact case), so no
 * spelling of an API route reaches its handler unauthenticated. Anything not named public here
 * needs an API key: a new route is closed until someone opens it.
 *
 * <p>Public: the dashboard's static files and the redirects to them ({@code GET /},
 * {@code /dashboard/**}: the page asks for the key itself), {@code POST /webhooks/**} (each
 * provider's signature is verified by the webhook sink), health status and info. Stateless:
 * no session, no CSRF token (bearer tokens are not sent by browsers on their own).
 */
@Configuration(proxyBeanMethods = false)
class HttpSecurityConfiguration {
    static final String SETTINGS_NEED_ADMIN = "changing settings needs an admin API key";
    static final String DEAD_LETTERS_NEED_ADMIN = "dead letters need an admin API key";
    static final String METRICS_NEED_ADMIN =
            "metrics need the admin API key or the metrics token (mailroom.management.metrics-token)";

    @Bean
    SecurityFilterChain mailroomSecurity(
            HttpSecurity http, List<BearerTokens> tokens, ManagementProperties management) {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        RequestMatcher metrics = EndpointRequest.to("prometheus");
        RequestMatcher settingsChanges = paths.matcher(HttpMethod.PUT, "/api/v1/settings/**");
        RequestMatcher deadLetters = paths.matcher("/api/v1/dead-letters/**");
        Map<RequestMatcher, String> needs = new LinkedHashMap<>();
        needs.put(settingsChanges, SETTINGS_NEED_ADMIN);
        needs.put(deadLetters, DEAD_LETTERS_NEED_ADMIN);
        needs.put(metrics, METRICS_NEED_ADMIN);
        boolean apiKeys = tokens.stream().anyMatch(t -> !(t instanceof MetricsToken));

        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .headers(DashboardHeaders::configure)
                .addFilterBefore(new BearerTokenFilter(tokens), AnonymousAuthenticationFilter.class)
                .exceptionHandling(e -> e.authenticationEntryPoint(
                                new ProblemEntryPoint(metrics, apiKeys, management.hasMetricsToken()))
                        .accessDeniedHandler(new ProblemAccessDeniedHandler(needs)))
                .authorizeHttpRequests(requests -> requests
                        // Boot's error page for an error already decided (a 404, a 500, Tomcat's own 400).
                        .dispatcherTypeMatchers(DispatcherType.ERROR)
                        .permitAll()
                        // Status only: details are shown to ADMIN and METRICS (management.endpoint.health.roles).
                        .requestMatchers(EndpointRequest.to("health", "info"))
                        .permitAll()
                        .requestMatchers(EndpointRequest.toAdditionalPaths(WebServerNamespace.SERVER, "health"))
                        .permitAll()
                        .requestMatchers(metrics)
                        .hasAnyRole(ADMIN, METRICS)
                        .requestMatchers(
                                paths.matcher(HttpMethod.GET, "/"),
                                paths.matcher(HttpMethod.GET, "/dashboard"),
                                paths.matcher(HttpMethod.GET, "/dashboard/**"),
                                paths.matcher(HttpMethod.HEAD, "/dashboard/**"))
                        .permitAll()
                        .requestMatchers(paths.matcher(HttpMethod.POST, "/webhooks/**"))
                        .permitAll()
                        .requestMatchers(settingsChanges, deadLetters)
                        .hasRole(ADMIN)
                        .anyRequest()
                        .hasRole(API));
        return http.build();
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
     * Callers are known by bearer token only ({@link BearerTokenFilter}); there are no user names
     * or passwords. This bean also keeps Spring Boot from inventing a user with a printed password.
     */
    @Bean
    AuthenticationManager noPasswordLogins() {
        return authentication -> {
            throw new ProviderNotFoundException("Mailroom knows callers by bearer token only");
        };
    }
}
