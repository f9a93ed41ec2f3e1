package dev.mailroom.server.support;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import java.util.List;
import java.util.Map;

/** An email for a test that needs one and not what it says: from app@example.com, "Hello", text "Hi". */
public final class TestEmails {
    private TestEmails() {}

    public static Email to(Recipient... recipients) {
        return new Email(
                new Address("app@example.com", null),
                List.of(recipients),
                List.of(),
                List.of(),
                null,
                "Hello",
                "Hi",
                null,
                Map.of(),
                List.of(),
                Map.of(),
                List.of());
    }
}
