package dev.mailroom.server.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;

/**
 * A source of credentials sent as {@code Authorization: Bearer <token>}: the API's keys, the
 * metrics token. The chain asks each source in turn; the first that knows the token decides who
 * the caller is. A source answers only for tokens it issued, and compares them in constant time.
 */
public interface BearerTokens {

    /** The caller this token proves, with its {@link Authorities}; empty when the token is not one of this source's. */
    Optional<Authentication> authenticate(String token);
}
