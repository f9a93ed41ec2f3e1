package dev.mailroom.server.providers.smtp;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The SMTP relay the {@code smtp} provider hands its emails to. The provider exists only when
 * {@code host} is set.
 *
 * @param host           the relay's host name
 * @param port           25 unless set; 587 is the usual submission port (with {@code starttls})
 * @param username       log in with this user; no authentication when unset
 * @param password       the user's password; never logged, never part of a delivery reason
 * @param starttls       upgrade the connection with STARTTLS before anything else, and refuse to
 *                       send when the relay does not offer it (so credentials never go in clear)
 * @param connectTimeout how long to wait for the TCP connection
 * @param readTimeout    how long to wait for each reply (also used for writes). The final reply
 *                       after DATA is where relays run their content checks, so this is longer
 *                       than the connect timeout
 * @param allowPlaintextLogin send the username and password over a connection without STARTTLS
 *                       (a relay on the same host or a private network): refused unless set, so a
 *                       missing {@code starttls} cannot put credentials on the wire in clear
 */
@ConfigurationProperties("mailroom.providers.smtp")
record SmtpProperties(
        String host,
        @DefaultValue("25") int port,
        String username,
        String password,
        @DefaultValue("false") boolean starttls,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("30s") Duration readTimeout,
        @DefaultValue("false") boolean allowPlaintextLogin) {

    @ConstructorBinding
    SmtpProperties {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("mailroom.providers.smtp.port must be 1-65535, got " + port);
        }
        connectTimeout = positive("connect-timeout", connectTimeout, Duration.ofSeconds(10));
        readTimeout = positive("read-timeout", readTimeout, Duration.ofSeconds(30));
        if (username != null && !username.isBlank() && !starttls && !allowPlaintextLogin) {
            throw new IllegalArgumentException(
                    "mailroom.providers.smtp.username is set but mailroom.providers.smtp.starttls is not:"
                            + " the password would cross the network in clear. Set mailroom.providers.smtp.starttls=true (port 587),"
                            + " or mailroom.providers.smtp.allow-plaintext-login=true for a relay on this host or a trusted network");
        }
    }

    SmtpProperties(
            String host,
            int port,
            String username,
            String password,
            boolean starttls,
            Duration connectTimeout,
            Duration readTimeout) {
        this(host, port, username, password, starttls, connectTimeout, readTimeout, false);
    }

    private static Duration positive(String name, Duration value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        // Jakarta Mail reads 0 as "wait forever": a dispatcher thread stuck on a silent relay.
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("mailroom.providers.smtp." + name + " must be positive, got " + value);
        }
        return value;
    }

    /** A blank username (an empty environment variable) means no authentication, not an empty login. */
    boolean authenticates() {
        return username != null && !username.isBlank();
    }

    /** The record's own toString would print the password into any log line that shows the settings. */
    @Override
    public String toString() {
        return "SmtpProperties[host=" + host + ", port=" + port + ", username=" + username
                + ", password=" + (password == null ? "null" : "****") + ", starttls=" + starttls
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + ", allowPlaintextLogin="
                + allowPlaintextLogin + "]";
    }
}
