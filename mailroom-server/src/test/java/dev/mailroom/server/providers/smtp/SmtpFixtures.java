package dev.mailroom.server.providers.smtp;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.providers.OutboundEmail;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** Emails and senders for the SMTP tests. */
final class SmtpFixtures {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-02T03:04:05Z"), ZoneOffset.UTC);

    private SmtpFixtures() {}

    /** A sender for a relay on localhost without authentication. */
    static SmtpSender sender(int port) {
        return sender(port, null, null, false, Duration.ofSeconds(5));
    }

    static SmtpSender sender(int port, String username, String password, boolean starttls, Duration readTimeout) {
        // The test relays run on loopback: a login without STARTTLS is allowed there, explicitly.
        return new SmtpSender(
                new SmtpProperties(
                        "localhost", port, username, password, starttls, Duration.ofSeconds(2), readTimeout, true),
                CLOCK);
    }

    /** A plain text email from app@example.com to ada@example.org. */
    static Email plain() {
        return new Email(
                Address.of("app@example.com"),
                List.of(Recipient.of("ada@example.org")),
                null,
                null,
                null,
                "Welcome",
                "Hello Ada",
                null,
                null,
                null,
                null,
                null);
    }

    static OutboundEmail outbound(Email email) {
        return new OutboundEmail(UUID.randomUUID(), 1, email);
    }
}
