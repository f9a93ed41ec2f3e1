package dev.mailroom.contracts;

/** A mailbox: an address and an optional display name. */
public record Address(String email, String name) {
    public static Address of(String email) {
        return new Address(email, null);
    }

    /**
     * An address as suppression lists and recipient statuses compare it: trimmed and in lower case. The local
     * part may be case-sensitive by RFC 5321, but no mailbox provider in use treats it so, and a list that
     * missed {@code Bob@x} because it held {@code bob@x} would send to an address that asked not to be.
     */
    public static String normalize(String email) {
        return email == null ? null : email.strip().toLowerCase(java.util.Locale.ROOT);
    }
}
