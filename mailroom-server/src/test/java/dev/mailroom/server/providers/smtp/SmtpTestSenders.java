package dev.mailroom.server.providers.smtp;

import dev.mailroom.server.providers.EmailSender;
import java.time.Clock;
import java.time.Duration;

/** The smtp provider's real sender, for tests outside this package (the dispatcher's PostfixPartialSendIT). */
public final class SmtpTestSenders {
    private SmtpTestSenders() {}

    /** A sender for a relay without authentication (a test relay on loopback). */
    public static EmailSender relay(String host, int port) {
        return new SmtpSender(
                new SmtpProperties(host, port, null, null, false, Duration.ofSeconds(5), Duration.ofSeconds(30), false),
                Clock.systemUTC());
    }
}
