package dev.mailroom.server.providers.ses;

import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.providers.OutboundEmail;
import dev.mailroom.server.providers.support.MimeContent;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.Destination;
import software.amazon.awssdk.services.sesv2.model.EmailContent;
import software.amazon.awssdk.services.sesv2.model.Message;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sesv2.model.RawMessage;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;

/**
 * Turns an email into an SESv2 {@code SendEmail} request.
 *
 * <p>Content: {@code Simple} for the common email (subject, text and/or html), where SES writes
 * the MIME itself; {@code Raw} (a MIME message written here with Jakarta Mail) as soon as the
 * email has attachments or custom headers. Raw gives exact control over what the recipient gets:
 * attachment bytes always base64, non-ASCII header values as RFC 2047 encoded words, and none of
 * the per-field restrictions SES puts on Simple headers. Keeping Simple for the rest keeps the
 * everyday request small and readable in SES's own logs and in the tests.
 */
final class SesRequests {
    /** The message tag that carries our id (Contract "Correlation"). */
    static final String MAILROOM_ID_TAG = "mailroom_id";

    private static final String CHARSET = StandardCharsets.UTF_8.name();
    /** SES tag names and values: letters, digits, underscore and dash, at most 256 characters. */
    private static final int MAX_TAG_LENGTH = 256;
    /** A Session only holds settings; one is enough to write MIME, nothing is ever sent through it. */
    private static final Session MIME_SESSION = Session.getInstance(new Properties());

    private SesRequests() {}

    static SendEmailRequest sendEmail(OutboundEmail outbound, String configurationSet, Instant now)
            throws MessagingException, UnsupportedEncodingException {
        Email email = outbound.email();
        SendEmailRequest.Builder request = SendEmailRequest.builder()
                .fromEmailAddress(mailbox(email.from().email(), email.from().name()))
                .destination(Destination.builder()
                        .toAddresses(mailboxes(email.to()))
                        .ccAddresses(mailboxes(email.cc()))
                        .bccAddresses(mailboxes(email.bcc()))
                        .build())
                .emailTags(tags(outbound))
                .content(needsRaw(outbound) ? raw(outbound, now) : simple(email));
        if (email.replyTo() != null) {
            request.replyToAddresses(
                    mailbox(email.replyTo().email(), email.replyTo().name()));
        }
        if (configurationSet != null) {
            // Without it SES publishes no events for this email: no webhooks, no tracking.
            request.configurationSetName(configurationSet);
        }
        return request.build();
    }

    static boolean needsRaw(OutboundEmail outbound) {
        return !outbound.email().attachments().isEmpty() || !outbound.headers().isEmpty();
    }

    /** {@code mailroom_id} first, then the email's tags as {@code <tag>=true} (SES tags are name/value pairs). */
    static List<MessageTag> tags(OutboundEmail outbound) {
        List<MessageTag> tags = new ArrayList<>();
        tags.add(MessageTag.builder()
                .name(MAILROOM_ID_TAG)
                .value(outbound.messageId().toString())
                .build());
        Set<String> names = new LinkedHashSet<>();
        names.add(MAILROOM_ID_TAG);
        for (String tag : outbound.email().tags()) {
            String name = sanitiseTag(tag);
            // Two tags that differ only in '.' or ':' become one name; ours is never overwritten.
            if (!name.isEmpty() && names.add(name)) {
                tags.add(MessageTag.builder().name(name).value("true").build());
            }
        }
        return tags;
    }

    /** Our tags allow {@code . :}, SES's do not: every other character becomes {@code _}. */
    static String sanitiseTag(String tag) {
        if (tag == null) {
            return "";
        }
        String clean = tag.replaceAll("[^A-Za-z0-9_-]", "_");
        return clean.length() <= MAX_TAG_LENGTH ? clean : clean.substring(0, MAX_TAG_LENGTH);
    }

    private static EmailContent simple(Email email) {
        Body.Builder body = Body.builder();
        if (!isBlank(email.text())) {
            body.text(utf8(email.text()));
        }
        if (!isBlank(email.html())) {
            body.html(utf8(email.html()));
        }
        return EmailContent.builder()
                .simple(Message.builder()
                        .subject(utf8(email.subject()))
                        .body(body.build())
                        .build())
                .build();
    }

    private static EmailContent raw(OutboundEmail outbound, Instant now)
            throws MessagingException, UnsupportedEncodingException {
        MimeMessage message = new MimeMessage(MIME_SESSION);
        // Bcc recipients are only in Destination (the envelope): a Bcc header in the MIME would
        // show them to everyone.
        MimeContent.write(message, outbound.email(), outbound.headers(), now, false);
        message.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            message.writeTo(out);
        } catch (IOException e) {
            throw new MessagingException("cannot write the MIME message", e);
        }
        // The SDK base64-encodes Raw.Data in the JSON body.
        return EmailContent.builder()
                .raw(RawMessage.builder()
                        .data(SdkBytes.fromByteArray(out.toByteArray()))
                        .build())
                .build();
    }

    private static List<String> mailboxes(List<Recipient> recipients)
            throws UnsupportedEncodingException, MessagingException {
        List<String> result = new ArrayList<>();
        for (Recipient r : recipients) {
            result.add(mailbox(r.email(), r.name()));
        }
        return result;
    }

    /**
     * {@code "Name" <address>} as SES wants it: a display name with non-ASCII characters must be
     * an RFC 2047 encoded word, which {@link InternetAddress#toString()} writes.
     */
    static String mailbox(String email, String name) throws UnsupportedEncodingException, MessagingException {
        return MimeContent.address(email, name).toString();
    }

    private static Content utf8(String data) {
        return Content.builder().data(data).charset(CHARSET).build();
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
