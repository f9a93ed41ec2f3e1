package dev.mailroom.contracts;

/**
 * A recipient. {@code memberId} is the application's own id for this person; the dashboard and
 * the API group a member's emails by it.
 */
public record Recipient(String email, String name, String memberId) {
    public static Recipient of(String email) {
        return new Recipient(email, null, null);
    }
}
