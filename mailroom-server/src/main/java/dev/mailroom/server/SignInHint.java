package dev.mailroom.server;

import java.util.Optional;

/** Implemented by the accounts so the start-up banner can show the first sign-in once, without depending on them. */
public interface SignInHint {
    /** The platform operator's first sign-in, when this start created it. */
    Optional<String> signInForDisplay();
}
