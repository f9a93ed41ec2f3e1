package dev.mailroom.server.providers.smtp;

import dev.mailroom.server.providers.DeliveryOutcome;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * Turns what went wrong while talking to the relay into an outcome, by the SMTP reply code where
 * there is one (RFC 5321 4.2.1): 5xx is permanent, so the message is rejected; 4xx is transient,
 * so it is retried. Without a reply code (connection refused, timeouts, a dropped connection) the
 * relay never judged the message, so it is retried too.
 */
final class SmtpFailures {
    /** Reasons end up in activity details and the dashboard; a long multi-line reply is cut. */
    private static final int MAX_REPLY_LENGTH = 300;
    /** Angus reports an AUTH failure as the server's reply text, e.g. "535 5.7.8 Authentication credentials invalid". */
    private static final Pattern LEADING_CODE = Pattern.compile("^\\s*([2-5]\\d\\d)[ -]");

    private SmtpFailures() {}

    /**
     * @param relay  host:port, to say which relay answered
     * @param secret the relay password, removed from the reason should a server ever echo it
     */
    static DeliveryOutcome outcome(MessagingException failure, String relay, String secret) {
        List<Reply> replies = replies(failure);
        // With partial sending, refused RCPTs reach here only beside a refusal of the transaction
        // itself (the DATA, the content): that refusal decides, as nobody got the email. A
        // recipient's 550 must not fail for good an email the relay refused only for now.
        List<Reply> verdicts = replies.stream().filter(r -> !r.isRecipient()).toList();
        List<Reply> deciding = verdicts.isEmpty() ? replies : verdicts;
        boolean permanent = deciding.stream().anyMatch(r -> r.code >= 500);
        boolean transientReply = deciding.stream().anyMatch(r -> r.code >= 400 && r.code < 500);
        if (permanent || transientReply) {
            // A set: Angus may nest the same reply twice (a refused MAIL FROM is both the send
            // failure and its cause).
            Set<String> parts = new LinkedHashSet<>();
            for (Reply r : replies) {
                parts.add(r.describe());
            }
            String reason = redact("SMTP relay " + relay + " answered " + String.join("; ", parts), secret);
            // Any deciding 5xx wins: the relay took nothing, and retrying cannot get past it.
            return permanent ? new DeliveryOutcome.Rejected(reason) : new DeliveryOutcome.RetryLater(reason, null);
        }
        IOException io = ioCause(failure);
        if (failure instanceof MailConnectException || io != null) {
            String detail =
                    io == null ? oneLine(failure.getMessage()) : oneLine(failure.getMessage()) + " (" + io + ")";
            return new DeliveryOutcome.RetryLater(
                    redact("SMTP relay " + relay + " unreachable or silent: " + detail, secret), null);
        }
        // No reply code and no I/O error: a bad greeting, STARTTLS required but not offered, no
        // common AUTH mechanism. These are about the relay or our settings, not this message, so
        // it is retried (attempts are bounded) rather than failed while someone fixes the relay.
        return new DeliveryOutcome.RetryLater(
                redact("SMTP relay " + relay + ": " + oneLine(failure.getMessage()), secret), null);
    }

    /** The SMTP replies found anywhere in the chain (a refused RCPT nests one exception per address). */
    static List<Reply> replies(Throwable failure) {
        List<Reply> replies = new ArrayList<>();
        for (Throwable t : chain(failure)) {
            int code = -1;
            String command = null;
            if (t instanceof SMTPAddressFailedException address) {
                code = address.getReturnCode();
                command = address.getCommand();
            } else if (t instanceof SMTPSenderFailedException sender) {
                code = sender.getReturnCode();
                command = sender.getCommand();
            } else if (t instanceof SMTPSendFailedException send) {
                code = send.getReturnCode();
                command = send.getCommand();
            } else if (t instanceof AuthenticationFailedException && t.getMessage() != null) {
                Matcher m = LEADING_CODE.matcher(t.getMessage());
                if (m.find()) {
                    code = Integer.parseInt(m.group(1));
                    command = "AUTH";
                }
            }
            if (code >= 400 && code <= 599) {
                replies.add(new Reply(code, oneLine(t.getMessage()), command));
            }
        }
        return replies;
    }

    /**
     * Causes and Jakarta Mail's "next exceptions" (the same link in current versions), each once.
     */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable t = failure;
        while (t != null && seen.add(t)) {
            chain.add(t);
            Throwable next = t.getCause();
            if (next == null && t instanceof MessagingException messaging) {
                next = messaging.getNextException();
            }
            t = next;
        }
        return chain;
    }

    private static IOException ioCause(Throwable failure) {
        for (Throwable t : chain(failure)) {
            if (t instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_REPLY_LENGTH ? line : line.substring(0, MAX_REPLY_LENGTH) + "…";
    }

    static String redact(String reason, String secret) {
        return secret == null || secret.isEmpty() ? reason : reason.replace(secret, "****");
    }

    /** One SMTP reply: the code, the server's text (which starts with the code) and what it answered. */
    record Reply(int code, String text, String command) {
        /** A reply to one RCPT TO: about one recipient, not the transaction. */
        boolean isRecipient() {
            return command != null
                    && command.strip().toUpperCase(java.util.Locale.ROOT).startsWith("RCPT");
        }

        String describe() {
            String said = text.startsWith(Integer.toString(code)) ? text : code + " " + text;
            if (command == null || command.isBlank()) {
                return said;
            }
            // "." is how Angus names the end of the DATA section: the relay's verdict on the content.
            return said + " (to " + (command.strip().equals(".") ? "end of DATA" : command.strip()) + ")";
        }
    }
}
