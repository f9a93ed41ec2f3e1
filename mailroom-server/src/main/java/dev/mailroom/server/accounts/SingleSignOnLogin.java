package dev.mailroom.server.accounts;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.security.ProblemResponses;
import dev.mailroom.server.security.SingleSignOn;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.security.oauth2.client.autoconfigure.ConditionalOnOAuth2ClientRegistrationProperties;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.client.OAuth2LoginConfigurer;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestRedirectFilter;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.web.authentication.SimpleUrlAuthenticationSuccessHandler;
import org.springframework.stereotype.Component;

/**
 * Single sign-on through the OpenID Connect providers configured with Spring Boot's standard
 * {@code spring.security.oauth2.client.registration.<id>.*} (and {@code .provider.<id>.issuer-uri}). Only
 * where at least one is configured, and only in processes with the accounts (the API role).
 *
 * <p>The browser starts at {@code /oauth2/authorization/<id>}; the provider sends it back to
 * {@code /login/oauth2/code/<id>}. The person signed in is the Mailroom user with the email the provider
 * vouched for ({@link SingleSignOnPeople}); nobody is created on the way. Success lands on
 * {@code /dashboard/}, a refusal on {@code /dashboard/#/sign-in?error=<code>&message=<text>} (in the fragment,
 * so neither the email nor the reason reaches a server log).
 */
@Component
@ConditionalOnRole(Role.API)
@ConditionalOnOAuth2ClientRegistrationProperties
class SingleSignOnLogin implements SingleSignOn {
    static final String START = "/oauth2/authorization/";
    static final String SIGNED_IN = "/dashboard/";
    static final String REFUSED = "/dashboard/#/sign-in";

    private static final Logger log = LoggerFactory.getLogger(SingleSignOnLogin.class);

    private final ClientRegistrationRepository registrations;
    private final List<Provider> providers;
    private final SingleSignOnPeople people;

    SingleSignOnLogin(ClientRegistrationRepository registrations, UserStore users) {
        this.registrations = registrations;
        this.providers = listed(registrations);
        this.people = new SingleSignOnPeople(users);
    }

    /** Boot's repository lists its registrations; another implementation lists none (sign-in still works). */
    static List<Provider> listed(ClientRegistrationRepository registrations) {
        List<Provider> listed = new ArrayList<>();
        if (registrations instanceof Iterable<?> all) {
            for (Object each : all) {
                if (each instanceof ClientRegistration registration) {
                    listed.add(new Provider(
                            registration.getRegistrationId(),
                            registration.getClientName(),
                            START + registration.getRegistrationId()));
                }
            }
        }
        listed.sort(Comparator.comparing(Provider::name).thenComparing(Provider::id));
        return List.copyOf(listed);
    }

    @Override
    public List<Provider> providers() {
        return providers;
    }

    @Override
    public void configure(OAuth2LoginConfigurer<HttpSecurity> login) {
        SimpleUrlAuthenticationSuccessHandler toDashboard = new SimpleUrlAuthenticationSuccessHandler(SIGNED_IN);
        toDashboard.setAlwaysUseDefaultTargetUrl(true);
        // The dashboard is the sign-in page (never Spring Security's generated one).
        login.loginPage(SIGNED_IN)
                // Not in the session: its cookie is SameSite=Strict, so the browser does not send it when the
                // provider (another site) sends the person back.
                .authorizationEndpoint(start -> start.authorizationRequestRepository(new AuthorizationRequestCookie()))
                .userInfoEndpoint(
                        person -> person.oidcUserService(people).userService(SingleSignOnPeople::notOpenIdConnect))
                // The provider's tokens are only needed to sign in: kept nowhere, so no process holds them.
                .authorizedClientRepository(new KeepNoProviderTokens())
                .successHandler(toDashboard)
                .failureHandler(SingleSignOnLogin::refused);
        // Spring Security answers a start with an unknown provider id with a bare 500.
        login.addObjectPostProcessor(new ObjectPostProcessor<OAuth2AuthorizationRequestRedirectFilter>() {
            @Override
            public <O extends OAuth2AuthorizationRequestRedirectFilter> O postProcess(O start) {
                start.setAuthenticationFailureHandler(SingleSignOnLogin.this::couldNotStart);
                return start;
            }
        });
    }

    void couldNotStart(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        String path = request.getRequestURI();
        String id = path.substring(path.lastIndexOf('/') + 1);
        if (registrations.findByRegistrationId(id) == null) {
            ProblemResponses.write(
                    response,
                    404,
                    "No such single sign-on provider",
                    "no single sign-on provider has this id; GET /api/v1/sign-in-options lists them");
            return;
        }
        log.warn("Single sign-on could not start", failure.getCause());
        ProblemResponses.write(response, 500, "Single sign-on could not start", "see the server's log");
    }

    static void refused(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        String code = failure instanceof OAuth2AuthenticationException oauth
                ? oauth.getError().getErrorCode()
                : "sign_in_failed";
        String message = SingleSignOnPeople.messageFor(code);
        log.info("Single sign-on refused: {}", SingleSignOnPeople.printable(code));
        response.sendRedirect(request.getContextPath()
                + REFUSED
                + "?error=" + URLEncoder.encode(SingleSignOnPeople.printable(code), StandardCharsets.UTF_8)
                + "&message=" + URLEncoder.encode(message, StandardCharsets.UTF_8));
    }
}
