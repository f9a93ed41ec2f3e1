package dev.mailroom.server.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.security.core.Authentication;

/**
 * Turns a signed-in person (the session's authentication, whose name is the person's user id) into
 * the {@link Caller} of this request: the organization they act for now and the scopes of their role
 * there. Read afresh (within seconds), so that a removed member or a changed role applies to sessions
 * already open. Implemented by the accounts; empty when the person no longer exists.
 */
public interface SignedInCallers {
    Optional<Caller> callerFor(Authentication signedIn, HttpServletRequest request);
}
