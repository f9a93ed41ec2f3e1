package dev.mailroom.server.providers.smtp;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.EmailSender;
import dev.mailroom.server.providers.OutboundEmail;
import dev.mailroom.server.providers.support.MimeContent;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.io.UnsupportedEncodingException;
import java.time.Clock;
import java.util.Locale;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * Hands emails to an SMTP relay. Jakarta Mail is used directly (not Spring's JavaMailSender) so
 * that the relay's reply codes reach us: they decide between retrying and rejecting, for the
 * message or, when the relay refuses some recipients only, for each recipient.
 *
 * <p>Each send opens its own connection. The dispatcher sends concurrently, a Transport is not
 * thread-safe, and a fresh connection keeps one failed conversation from poisoning the next.
 */
@Component
@ConditionalOnRole(Role.DISPATCHER)
@ConditionalOnProperty(name = SmtpProvider.ENABLED_BY)
class SmtpSender implements EmailSender {
    static final String MAILROOM_ID_HEADER = "X-Mailroom-Id";
    private static final Logger log = LoggerFactory.getLogger(SmtpSender.class);

    private final SmtpProperties properties;
    private final Clock clock;
    /** Built once: a Session only holds settings and is safe to share between threads. */
    private final Session session;

    SmtpSender(SmtpProperties properties, Clock clock) {
        if (properties.host() == null || properties.host().isBlank()) {
            throw new IllegalArgumentException("mailroom.providers.smtp.host is required for the smtp provider");
        }
        this.properties = properties;
        this.clock = clock;
        this.session = Session.getInstance(sessionProperties(properties));
    }

    private static Properties sessionProperties(SmtpProperties p) {
        Properties props = new Properties();
        props.setProperty("mail.transport.protocol", "smtp");
        props.setProperty("mail.smtp.host", p.host());
        props.setProperty("mail.smtp.port", Integer.toString(p.port()));
        props.setProperty(
                "mail.smtp.connectiontimeout", Long.toString(p.connectTimeout().toMillis()));
        props.setProperty("mail.smtp.timeout", Long.toString(p.readTimeout().toMillis()));
        // Without a write timeout a relay that stops reading mid-DATA would hold a dispatcher
        // thread forever. (Angus runs one timer thread per connection for it.)
        props.setProperty(
                "mail.smtp.writetimeout", Long.toString(p.readTimeout().toMillis()));
        props.setProperty("mail.smtp.auth", Boolean.toString(p.authenticates()));
        if (p.starttls()) {
            props.setProperty("mail.smtp.starttls.enable", "true");
            // "required": a relay (or someone in between) that does not offer STARTTLS gets
            // nothing, rather than our credentials and the email in clear text.
            props.setProperty("mail.smtp.starttls.required", "true");
            props.setProperty("mail.smtp.ssl.checkserveridentity", "true");
        }
        // A recipient the relay refuses (an unknown user, a full mailbox) must not cost the others
        // their email: the email goes to the recipients the relay takes, and the refused ones get
        // a verdict of their own (SmtpRecipients), so none is lost silently either.
        props.setProperty("mail.smtp.sendpartial", "true");
        return props;
    }

    @Override
    public String name() {
        return SmtpProvider.NAME;
    }

    @Override
    public DeliveryOutcome send(OutboundEmail outbound) {
        MimeMessage message;
        try {
            message = build(outbound);
        } catch (MessagingException | UnsupportedEncodingException | IllegalArgumentException e) {
            // The email cannot be written as MIME (an unparsable address or content type); no
            // relay will ever take it, so sending it again would not help.
            return rejected(outbound, "cannot build the email: " + SmtpFailures.oneLine(e.getMessage()));
        }
        String providerId = null;
        try {
            providerId = message.getMessageID();
            transmit(message);
        } catch (MessagingException e) {
            DeliveryOutcome.PerRecipient split =
                    SmtpRecipients.outcome(e, outbound.email(), providerId, relay(), properties.password());
            if (split != null) {
                log.info(
                        "SMTP send of message {} (attempt {}) {}: {}",
                        outbound.messageId(),
                        outbound.attempt(),
                        split.anyAccepted() ? "taken for some recipients only" : "refused for every recipient",
                        split.recipients());
                return split;
            }
            DeliveryOutcome outcome = SmtpFailures.outcome(e, relay(), properties.password());
            // Only the reason, which is redacted: the exception is not logged, so nothing the
            // mail library put in it can carry the password into the log.
            log.warn(
                    "SMTP send of message {} (attempt {}) not accepted: {}",
                    outbound.messageId(),
                    outbound.attempt(),
                    reasonOf(outcome));
            return outcome;
        }
        return new DeliveryOutcome.Accepted(providerId);
    }

    private void transmit(MimeMessage message) throws MessagingException {
        Transport transport = session.getTransport("smtp");
        try {
            transport.connect(
                    properties.host(),
                    properties.port(),
                    properties.authenticates() ? properties.username() : null,
                    properties.authenticates() ? properties.password() : null);
            // getAllRecipients includes Bcc: they are envelope recipients; the SMTP transport
            // leaves the Bcc header itself out of what it writes.
            transport.sendMessage(message, message.getAllRecipients());
        } finally {
            try {
                transport.close();
            } catch (MessagingException e) {
                // The relay already answered the DATA section; a failed QUIT changes nothing.
                log.debug(
                        "Closing the SMTP connection to {} failed: {}", relay(), SmtpFailures.oneLine(e.getMessage()));
            }
        }
    }

    /** The MIME message for an email that passed {@code EmailRules} (the dispatcher checked it). */
    private MimeMessage build(OutboundEmail outbound) throws MessagingException, UnsupportedEncodingException {
        MimeMessage message = new MailroomMimeMessage(session, messageIdFor(outbound));
        MimeContent.write(message, outbound.email(), outbound.headers(), clock.instant(), true);
        // Correlation (Contract): the relay does not report events, but bounces and replies
        // quote the original headers, and this ties them back to our message.
        message.setHeader(MAILROOM_ID_HEADER, outbound.messageId().toString());
        message.saveChanges();
        return message;
    }

    /**
     * {@code <mailroom id@sender's domain>}. The same for every attempt: a retry is the same
     * email, so a duplicate that at-least-once delivery lets through (an accepted send we did not
     * hear back from) carries the same Message-ID, which mail systems and clients use to
     * recognise duplicates. The sender's domain, not a made-up one, because spam filters look at
     * Message-ID domains.
     */
    private static String messageIdFor(OutboundEmail outbound) {
        String from =
                outbound.email().from() == null ? null : outbound.email().from().email();
        int at = from == null ? -1 : from.lastIndexOf('@');
        String domain = at < 0 || at == from.length() - 1
                ? "mailroom"
                : from.substring(at + 1).toLowerCase(Locale.ROOT);
        return "<" + outbound.messageId() + "@" + domain + ">";
    }

    private DeliveryOutcome rejected(OutboundEmail outbound, String reason) {
        log.warn(
                "SMTP send of message {} (attempt {}) rejected before sending: {}",
                outbound.messageId(),
                outbound.attempt(),
                reason);
        return new DeliveryOutcome.Rejected(reason);
    }

    private String relay() {
        return properties.host() + ":" + properties.port();
    }

    private static String reasonOf(DeliveryOutcome outcome) {
        if (outcome instanceof DeliveryOutcome.Rejected rejected) {
            return "rejected: " + rejected.reason();
        }
        if (outcome instanceof DeliveryOutcome.RetryLater later) {
            return "retry later: " + later.reason();
        }
        return outcome.toString();
    }

    /** Our Message-ID instead of the one Jakarta Mail would make up in {@code saveChanges()}. */
    private static final class MailroomMimeMessage extends MimeMessage {
        private final String messageId;

        MailroomMimeMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
