package dev.mailroom.contracts;

import java.util.List;
import java.util.Map;

/** What is sent: the content and addressing of one email, as the application gave it. */
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
        List<Attachment> attachments) {

    public Email {
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        bcc = bcc == null ? List.of() : List.copyOf(bcc);
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        tags = tags == null ? List.of() : List.copyOf(tags);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** Every recipient, in to, cc, bcc order. */
    public List<Recipient> allRecipients() {
        return java.util.stream.Stream.of(to, cc, bcc).flatMap(List::stream).toList();
    }
}
