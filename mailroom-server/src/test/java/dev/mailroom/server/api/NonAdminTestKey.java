package dev.mailroom.server.api;

import dev.mailroom.server.security.Authorities;
import dev.mailroom.server.security.BearerTokens;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;

/**
 * A second API key, on the default organization but without the admin right, for tests of what
 * only an admin key may do (Mailroom itself issues only the admin bootstrap key for now). Part of
 * the shared end-to-end Mailroom ({@code EndToEndTest}), so such tests need no context of their own.
 */
@TestConfiguration(proxyBeanMethods = false)
public class NonAdminTestKey {
    public static final String KEY = "test-reader-key-0123456789";

    @Bean
    BearerTokens nonAdminTestKey() {
        return token -> KEY.equals(token)
                ? Optional.of(UsernamePasswordAuthenticationToken.authenticated(
                        new ApiKeys.Caller(ApiKeys.DEFAULT_ORGANIZATION, false),
                        null,
                        List.of(new org.springframework.security.core.authority.SimpleGrantedAuthority(
                                Authorities.role(Authorities.API)))))
                : Optional.empty();
    }
}
