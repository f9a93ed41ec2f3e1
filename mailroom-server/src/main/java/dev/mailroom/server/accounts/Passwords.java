package dev.mailroom.server.accounts;

import dev.mailroom.contracts.Violation;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Password rules and hashing. Hashes are Spring Security's delegating format ({@code {bcrypt}…},
 * an adaptive KDF), so a later, stronger default can take over as people sign in. The rules follow
 * NIST SP 800-63B: length over composition, no well-known passwords, nothing made of the email.
 */
final class Passwords {
    static final int MIN_LENGTH = 12;
    /** bcrypt reads 72 bytes; a longer password would be cut silently, so it is refused instead. */
    static final int MAX_BYTES = 72;

    private static final PasswordEncoder ENCODER = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    private static final Set<String> WELL_KNOWN = Set.of(
            "password1234",
            "password12345",
            "passwordpassword",
            "123456789012",
            "1234567890123",
            "qwertyuiopas",
            "qwerty123456",
            "iloveyou1234",
            "letmein12345",
            "administrator",
            "changeme1234",
            "welcome12345",
            "mailroom1234");

    private Passwords() {}

    static PasswordEncoder encoder() {
        return ENCODER;
    }

    static String hash(String password) {
        return ENCODER.encode(password);
    }

    /** The rule {@code password} breaks, named, for the field {@code field}; empty when it is acceptable. */
    static Optional<Violation> problemWith(String field, String password, String email) {
        if (password == null || password.isEmpty()) {
            return Optional.of(new Violation(field, "is required"));
        }
        if (password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return Optional.of(new Violation(field, "is too short: at least " + MIN_LENGTH + " characters"));
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of(new Violation(field, "is too long: at most " + MAX_BYTES + " bytes (UTF-8)"));
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (WELL_KNOWN.contains(lower)) {
            return Optional.of(new Violation(field, "is a well-known password: choose another"));
        }
        if (lower.chars().distinct().count() < 4) {
            return Optional.of(new Violation(field, "repeats too few characters: use at least 4 different ones"));
        }
        String local = email == null ? "" : email.toLowerCase(Locale.ROOT).split("@", 2)[0];
        if (local.length() >= 4 && lower.contains(local)) {
            return Optional.of(new Violation(field, "contains the email's name: choose one that does not"));
        }
        if (password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return Optional.of(new Violation(field, "contains control characters"));
        }
        return Optional.empty();
    }
}
