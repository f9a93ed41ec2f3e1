package dev.mailroom.contracts;

/** A mailbox: an address and an optional display name. */
public record Address(String email, String name) {
    public static Address of(String email) {
        return new Address(email, null);
    }
}
