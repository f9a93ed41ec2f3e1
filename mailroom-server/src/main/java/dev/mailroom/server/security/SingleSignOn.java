package dev.mailroom.server.security;

import java.util.List;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.oauth2.client.OAuth2LoginConfigurer;

/**
 * Single sign-on through OpenID Connect: the providers a browser may use, listed on the sign-in page,
 * and how the chain signs a person in with one. A bean exists only where providers are configured
 * ({@code spring.security.oauth2.client.registration.*}) and the accounts run; without it the chain has no
 * OAuth2 login at all.
 */
public interface SingleSignOn {
    /** @param url where the browser goes to sign in with this provider */
    record Provider(String id, String name, String url) {}

    List<Provider> providers();

    /** Sets up Spring Security's OAuth2 login: who the provider's person is here, where the browser goes after. */
    void configure(OAuth2LoginConfigurer<HttpSecurity> login);
}
