package dev.mailroom.server.api;

import dev.mailroom.server.security.BearerTokens;
import dev.mailroom.server.security.Caller;
import dev.mailroom.server.security.CallerAuthentication;
import dev.mailroom.server.security.Scope;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A second API key, on the first organization with the scopes send and read but not admin, and no
 * platform right, known to the shared end-to-end Mailroom ({@code EndToEndTest}) from its start, so
 * tests of what such a key may not do need no set-up of their own.
 */
@TestConfiguration(proxyBeanMethods = false)
public class NonAdminTestKey {
    public static final String KEY = "test-reader-key-0123456789";

    @Bean
    BearerTokens nonAdminTestKey() {
        Caller caller = new Caller("default", Set.of(Scope.SEND, Scope.READ), false, "test-reader", null, null);
        return token -> KEY.equals(token) ? Optional.of(CallerAuthentication.of(caller)) : Optional.empty();
    }
}
