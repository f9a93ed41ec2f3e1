package dev.mailroom.server.api;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Attachment;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The body of {@code POST /api/v1/messages}, as in the Contract. */
record SubmissionRequest(
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
        Instant sendAt,
        String provider) {

    Email email() {
        return new Email(from, to, cc, bcc, replyTo, subject, text, html, headers, tags, metadata, attachments);
    }
}
