package dev.mailroom.contracts;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What is sent: the content and addressing of one email, as the application gave it.
 *
 * @param bulk true for bulk mail (newsletters, marketing): Mailroom adds a one-click unsubscribe link
 *             (RFC 8058 {@code List-Unsubscribe}) for its one recipient; null or false for anything else
 */
public record Email(
        Address from,
        List<Recipient> to,
        List<Recipient> cc,
        List<Recipient> bcc,
        Address replyTo,
        String subject,
        String text,
        String html,
        Map<String, String> headers,
        List<String> tags,
        Map<String, String> metadata,
        List<Attachment> attachments,
        Boolean bulk) {

    /** An email that is not bulk mail (the form from before {@code bulk}). */
    public Email(
            Address from,
            List<Recipient> to,
            List<Recipient> cc,
            List<Recipient> bcc,
            Address replyTo,
            String subject,
            String text,
            String html,
            Map<String, String> headers,
            List<String> tags,
            Map<String, String> metadata,
            List<Attachment> attachments) {
        this(from, to, cc, bcc, replyTo, subject, text, html, headers, tags, metadata, attachments, null);
    }

    /**
     * Copies are unmodifiable but keep null elements and values ({@code "to": [null]},
     * {@code "headers": {"X-A": null}}): {@link EmailRules} names them as violations, where
     * {@code List.copyOf} would throw before any rule could say what is wrong.
     */
    public Email {
        to = copy(to);
        cc = copy(cc);
        bcc = copy(bcc);
        headers = copy(headers);
        tags = copy(tags);
        metadata = copy(metadata);
        attachments = copy(attachments);
    }

    private static <T> List<T> copy(List<T> list) {
        return list == null || list.isEmpty() ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }

    /** Insertion order is kept, so the email's headers keep the order the application gave. */
    private static Map<String, String> copy(Map<String, String> map) {
        return map == null || map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** This email to other recipients (those left after the suppression list, say); the rest unchanged. */
    public Email withRecipients(List<Recipient> to, List<Recipient> cc, List<Recipient> bcc) {
        return new Email(from, to, cc, bcc, replyTo, subject, text, html, headers, tags, metadata, attachments, bulk);
    }

    /**
     * Whether this is bulk mail ({@code bulk} true). Not named like a getter, so that it is no second JSON
     * property beside {@code bulk}.
     */
    public boolean bulkMail() {
        return Boolean.TRUE.equals(bulk);
    }

    /** Every recipient, in to, cc, bcc order. */
    public List<Recipient> allRecipients() {
        return java.util.stream.Stream.of(to, cc, bcc).flatMap(List::stream).toList();
    }
}
