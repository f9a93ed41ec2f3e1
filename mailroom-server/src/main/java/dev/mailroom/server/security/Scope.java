package dev.mailroom.server.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do within its organization. An API key carries the scopes it was created with;
 * a person those of their role ({@code owner} and {@code admin}: all three, {@code viewer}: read).
 */
public enum Scope {
    /** Submit and cancel emails. */
    SEND,
    /** Read messages, members and the organization. */
    READ,
    /** Manage the organization's users, API keys and webhook endpoints (and read their secrets). */
    ADMIN;

    /** The name in requests, answers and the database: lower case. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Spring Security authority of this scope. */
    public String authority() {
        return Authorities.role(name());
    }

    public static Optional<Scope> parse(String text) {
        return Arrays.stream(values()).filter(s -> s.value().equals(text)).findFirst();
    }
}
