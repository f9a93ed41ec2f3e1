package dev.mailroom.server.providers.smtp;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.DeliveryOutcome.RecipientOutcome;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * A verdict per recipient from a send with {@code mail.smtp.sendpartial}: the relay refused some
 * RCPT TOs and Angus sent the email to the others, then reported the split in a
 * {@link SendFailedException} (addresses sent to, valid but not sent to, invalid) whose chain holds
 * one {@link SMTPAddressFailedException} per refused recipient, with the relay's reply.
 */
final class SmtpRecipients {
    private SmtpRecipients() {}

    /**
     * The per-recipient outcome of {@code failure}, or null when the failure is about the whole
     * transaction (connection, MAIL FROM, DATA, the end of DATA): that stays one verdict for the
     * message ({@link SmtpFailures#outcome}).
     *
     * <p>Per recipient when the relay took the DATA for at least one recipient, or when it refused
     * every recipient, each with its own RCPT reply (then nothing was sent, and there is no
     * DISPATCHED).
     *
     * @param providerId the Message-ID the accepted recipients' copy went under
     */
    static DeliveryOutcome.PerRecipient outcome(
            MessagingException failure, Email email, String providerId, String relay, String secret) {
        SendFailedException split = splitOf(failure);
        if (split == null) {
            return null;
        }
        Set<String> sent = normalized(split.getValidSentAddresses());
        Map<String, SMTPAddressFailedException> refused = refusals(failure);
        Map<String, String> recipients = recipientsOf(email);
        boolean dataTaken = !sent.isEmpty();
        if (!dataTaken && (refused.isEmpty() || !refused.keySet().containsAll(recipients.keySet()))) {
            // Nothing was sent, and not because every recipient was refused: the transaction failed.
            return null;
        }
        List<RecipientOutcome> outcomes = new ArrayList<>(recipients.size());
        for (Map.Entry<String, String> r : recipients.entrySet()) {
            String given = r.getValue();
            SMTPAddressFailedException refusal = refused.get(r.getKey());
            if (sent.contains(r.getKey())) {
                outcomes.add(RecipientOutcome.accepted(given));
            } else if (refusal != null && refusal.getReturnCode() >= 500) {
                outcomes.add(RecipientOutcome.bounced(given, reply(refusal, secret), refusal.getReturnCode()));
            } else if (refusal != null && refusal.getReturnCode() >= 400) {
                outcomes.add(RecipientOutcome.deferred(given, reply(refusal, secret), refusal.getReturnCode()));
            } else {
                // Not sent and no reply of its own (Angus lists it as valid but unsent): nothing says
                // it is refused for good, so it is tried again.
                outcomes.add(RecipientOutcome.deferred(
                        given,
                        SmtpFailures.redact(
                                "SMTP relay " + relay + " did not take the email for this recipient: "
                                        + SmtpFailures.oneLine(split.getMessage()),
                                secret),
                        null));
            }
        }
        return new DeliveryOutcome.PerRecipient(dataTaken ? providerId : null, outcomes);
    }

    /**
     * The exception that reports which addresses were sent to. A send that reached the end of DATA
     * with refused recipients is an {@link SMTPSendFailedException} for "." with the relay's 250;
     * one whose RCPTs were all refused is a plain {@link SendFailedException} ("Invalid Addresses").
     */
    private static SendFailedException splitOf(MessagingException failure) {
        if (!(failure instanceof SendFailedException split)) {
            return null;
        }
        if (split instanceof SMTPSendFailedException send && send.getReturnCode() >= 400) {
            // The relay refused the transaction itself (MAIL FROM, DATA, the content).
            return null;
        }
        return split;
    }

    /** The relay's reply to each refused RCPT TO, by normalized address. */
    private static Map<String, SMTPAddressFailedException> refusals(MessagingException failure) {
        Map<String, SMTPAddressFailedException> refused = new HashMap<>();
        Set<Object> seen = new HashSet<>();
        Exception e = failure;
        while (e != null && seen.add(e)) {
            if (e instanceof SMTPAddressFailedException address && address.getAddress() != null) {
                refused.putIfAbsent(Address.normalize(address.getAddress().getAddress()), address);
            }
            e = e instanceof MessagingException m ? m.getNextException() : null;
        }
        return refused;
    }

    /** Every recipient (To, Cc, Bcc) once, by normalized address, as the email gives it, in order. */
    private static Map<String, String> recipientsOf(Email email) {
        Map<String, String> recipients = new LinkedHashMap<>();
        for (Recipient r : email.allRecipients()) {
            recipients.putIfAbsent(Address.normalize(r.email()), r.email());
        }
        return recipients;
    }

    private static Set<String> normalized(jakarta.mail.Address[] addresses) {
        Set<String> set = new HashSet<>();
        if (addresses != null) {
            for (jakarta.mail.Address a : addresses) {
                set.add(Address.normalize(a instanceof InternetAddress ia ? ia.getAddress() : a.toString()));
            }
        }
        return set;
    }

    /** The relay's reply line, e.g. "550 5.1.1 <x@example.org>: Recipient address rejected: User unknown". */
    private static String reply(SMTPAddressFailedException refusal, String secret) {
        return SmtpFailures.redact(SmtpFailures.oneLine(refusal.getMessage()), secret);
    }
}
