package dev.mailroom.server.providers.support;

import dev.mailroom.contracts.Attachment;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import org.springframework.mail.javamail.MimeMessageHelper;

/**
 * Writes an email that passed {@link dev.mailroom.contracts.EmailRules} into a MIME message: what
 * the SMTP sender and SES's raw sends share. Each adds its own headers (Message-ID, correlation)
 * and calls {@code saveChanges()}.
 */
public final class MimeContent {
    public static final String CHARSET = StandardCharsets.UTF_8.name();

    private MimeContent() {}

    /**
     * @param withBcc whether Bcc recipients go into the message (SMTP: they are the envelope, and
     *                the transport leaves the header out); false where the message is given
     *                as it is to every recipient (SES raw: Bcc is in the Destination only)
     */
    public static void write(MimeMessage message, Email email, Instant sentAt, boolean withBcc)
            throws MessagingException, UnsupportedEncodingException {
        write(message, email, email.headers(), sentAt, withBcc);
    }

    /**
     * @param headers the email's headers with what Mailroom adds (OutboundEmail's headers: List-Unsubscribe)
     */
    public static void write(
            MimeMessage message, Email email, Map<String, String> headers, Instant sentAt, boolean withBcc)
            throws MessagingException, UnsupportedEncodingException {
        boolean hasText = email.text() != null && !email.text().isBlank();
        boolean hasHtml = email.html() != null && !email.html().isBlank();
        boolean multipart = !email.attachments().isEmpty() || (hasText && hasHtml);
        // MIXED, not Spring's default MIXED_RELATED: we have no inline parts, so the related
        // level would only add nesting. text+html still become one multipart/alternative.
        MimeMessageHelper helper = multipart
                ? new MimeMessageHelper(message, MimeMessageHelper.MULTIPART_MODE_MIXED, CHARSET)
                : new MimeMessageHelper(message, CHARSET);

        helper.setFrom(address(email.from().email(), email.from().name()));
        for (Recipient r : email.to()) {
            helper.addTo(address(r.email(), r.name()));
        }
        for (Recipient r : email.cc()) {
            helper.addCc(address(r.email(), r.name()));
        }
        if (withBcc) {
            for (Recipient r : email.bcc()) {
                helper.addBcc(address(r.email(), r.name()));
            }
        }
        if (email.replyTo() != null) {
            helper.setReplyTo(address(email.replyTo().email(), email.replyTo().name()));
        }
        helper.setSubject(email.subject());
        helper.setSentDate(Date.from(sentAt));
        if (hasText && hasHtml) {
            helper.setText(email.text(), email.html());
        } else if (hasHtml) {
            helper.setText(email.html(), true);
        } else {
            helper.setText(email.text(), false);
        }
        for (Attachment a : email.attachments()) {
            String type =
                    a.contentType() == null || a.contentType().isBlank() ? "application/octet-stream" : a.contentType();
            // Parsed here so that a malformed type is a rejection now, not a failure mid-send.
            ContentType parsed = new ContentType(type);
            // Same leniency as EmailRules: MIME-style line breaks inside the base64 are fine.
            byte[] bytes = Base64.getDecoder().decode(a.content().replaceAll("[\\r\\n ]", ""));
            helper.getRootMimeMultipart().addBodyPart(attachmentPart(a.filename(), bytes, parsed.toString()));
        }
        for (Map.Entry<String, String> header : headers.entrySet()) {
            // EmailRules already refused CR/LF and reserved names; non-ASCII values become RFC 2047
            // encoded words; long ones are folded.
            String value = MimeUtility.encodeText(header.getValue(), CHARSET, null);
            message.addHeader(header.getKey(), MimeUtility.fold(header.getKey().length() + 2, value));
        }
    }

    /** An address with its display name, parsed strictly: a malformed address fails here, before any call out. */
    public static InternetAddress address(String email, String name)
            throws MessagingException, UnsupportedEncodingException {
        InternetAddress address = new InternetAddress(email, true);
        if (name != null && !name.isBlank()) {
            address.setPersonal(name, CHARSET);
        }
        return address;
    }

    /**
     * Always base64, unlike Spring's {@code addAttachment}: Jakarta Mail would send a text/*
     * attachment as 7bit text, and its line ends could change on the way (SMTP turns LF into
     * CRLF). The application gave us bytes; the recipient gets exactly those bytes.
     */
    private static MimeBodyPart attachmentPart(String filename, byte[] bytes, String contentType)
            throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(bytes, contentType)));
        part.setDisposition(Part.ATTACHMENT);
        // Non-ASCII names are written as RFC 2231 parameters (mail.mime.encodeparameters).
        part.setFileName(filename);
        part.setHeader("Content-Transfer-Encoding", "base64");
        return part;
    }
}
