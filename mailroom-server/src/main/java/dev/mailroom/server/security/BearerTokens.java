package dev.mailroom.server.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;

/**
 * A source of credentials sent as {@code Authorization: Bearer <token>}: the API's keys, the
 * metrics token. The chain asks each source in turn; the first that knows the token decides who
 * the caller is. A source answers only for tokens it issued, and compares them in constant time.
 */
public interface BearerTokens {

    /**
     * The caller this token proves, with its {@link Authorities}; empty when the token is not one of
     * this source's.
     *
     * @throws org.springframework.security.core.AuthenticationException when the token is this source's
     *     but may not be used (revoked, expired), with a message for the caller
     */
    Optional<Authentication> authenticate(String token);
}
