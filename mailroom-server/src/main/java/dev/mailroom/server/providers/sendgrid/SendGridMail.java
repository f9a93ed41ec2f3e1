package dev.mailroom.server.providers.sendgrid;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Attachment;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.providers.OutboundEmail;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JSON body of {@code POST /v3/mail/send} for one email: one personalization with every
 * recipient, so that SendGrid answers with one {@code X-Message-Id} for the whole email.
 * Empty lists are left out (null), because SendGrid refuses an empty {@code cc} or {@code bcc}.
 */
record SendGridMail(
        List<Personalization> personalizations,
        EmailAddress from,
        @JsonProperty("reply_to") EmailAddress replyTo,
        List<Content> content,
        Map<String, String> headers,
        List<String> categories,
        List<AttachmentPart> attachments,
        @JsonProperty("custom_args") Map<String, String> customArgs) {

    /** SendGrid's limit of categories per email. */
    static final int MAX_CATEGORIES = 10;

    static final String MAILROOM_ID = "mailroom_id";

    record Personalization(List<EmailAddress> to, List<EmailAddress> cc, List<EmailAddress> bcc, String subject) {}

    record EmailAddress(String email, String name) {}

    record Content(String type, String value) {}

    record AttachmentPart(String content, String filename, String type, String disposition) {}

    /**
     * @throws IllegalArgumentException when SendGrid could never accept the email (no {@code to})
     */
    static SendGridMail of(OutboundEmail outbound) {
        Email email = outbound.email();
        // SendGrid refuses an address that appears twice in a personalization (to, cc and bcc
        // together); each person gets the email once anyway, in the most visible role.
        Set<String> seen = new HashSet<>();
        List<EmailAddress> to = addresses(email.to(), seen);
        List<EmailAddress> cc = addresses(email.cc(), seen);
        List<EmailAddress> bcc = addresses(email.bcc(), seen);
        if (to.isEmpty()) {
            throw new IllegalArgumentException(
                    "SendGrid needs at least one 'to' recipient; it does not send cc- or bcc-only emails");
        }
        List<Content> content = new ArrayList<>();
        // SendGrid requires text/plain first, then text/html.
        if (email.text() != null && !email.text().isBlank()) {
            content.add(new Content("text/plain", email.text()));
        }
        if (email.html() != null && !email.html().isBlank()) {
            content.add(new Content("text/html", email.html()));
        }
        List<AttachmentPart> attachments =
                email.attachments().stream().map(SendGridMail::attachment).toList();
        // Our tags stay complete in Mailroom; SendGrid takes at most ten distinct categories.
        List<String> categories =
                new LinkedHashSet<>(email.tags()).stream().limit(MAX_CATEGORIES).toList();
        return new SendGridMail(
                List.of(new Personalization(to, nullIfEmpty(cc), nullIfEmpty(bcc), email.subject())),
                address(email.from()),
                email.replyTo() == null ? null : address(email.replyTo()),
                content,
                outbound.headers().isEmpty() ? null : outbound.headers(),
                nullIfEmpty(categories),
                nullIfEmpty(attachments),
                Map.of(MAILROOM_ID, outbound.messageId().toString()));
    }

    private static List<EmailAddress> addresses(List<Recipient> recipients, Set<String> seen) {
        List<EmailAddress> out = new ArrayList<>();
        for (Recipient r : recipients) {
            if (seen.add(r.email().toLowerCase(Locale.ROOT))) {
                out.add(new EmailAddress(r.email(), blankToNull(r.name())));
            }
        }
        return out;
    }

    private static EmailAddress address(Address a) {
        return new EmailAddress(a.email(), blankToNull(a.name()));
    }

    private static AttachmentPart attachment(Attachment a) {
        // Same leniency as EmailRules: MIME-style line breaks inside the base64 are fine for us,
        // SendGrid wants them gone.
        String type = a.contentType() == null || a.contentType().isBlank() ? null : a.contentType();
        return new AttachmentPart(a.content().replaceAll("[\\r\\n ]", ""), a.filename(), type, "attachment");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static <T> List<T> nullIfEmpty(List<T> list) {
        return list.isEmpty() ? null : list;
    }
}
