package dev.mailroom.contracts;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What makes an email acceptable, checked before anything is queued (API and client) so that
 * bad input is refused with a reason and never reaches a provider. The rules are deliberately
 * strict about anything that could inject into a MIME header (CR, LF, NUL).
 */
public final class EmailRules {
    public static final int MAX_RECIPIENTS = 50;
    public static final int MAX_SUBJECT_LENGTH = 998;
    /** Text + html + decoded attachments; most providers refuse more than about 20-30 MB. */
    public static final long MAX_CONTENT_BYTES = 10L * 1024 * 1024;

    /** A pragmatic address check: one @, a local part and a dotted domain, no spaces or controls. */
    private static final Pattern ADDRESS = Pattern.compile(
            "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
    private static final Pattern HEADER_NAME = Pattern.compile("^[!-9;-~]{1,76}$");
    private static final Pattern TAG = Pattern.compile("^[A-Za-z0-9_.:-]{1,64}$");
    /** Headers Mailroom or the provider sets; an application must not override them. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "mime-version",
            "content-type", "content-transfer-encoding", "x-mailroom-id", "sender", "return-path");

    private EmailRules() {
    }

    public static List<Violation> check(Email email) {
        List<Violation> problems = new ArrayList<>();
        if (email == null) {
            problems.add(new Violation("", "the body must be a JSON object describing the email"));
            return problems;
        }
        if (email.from() == null) {
            problems.add(new Violation("from", "is required: {\"email\": \"you@example.com\"}"));
        } else {
            checkAddress(problems, "from", email.from().email(), email.from().name());
        }
        if (email.replyTo() != null) {
            checkAddress(problems, "replyTo", email.replyTo().email(), email.replyTo().name());
        }
        checkRecipients(problems, "to", email.to());
        checkRecipients(problems, "cc", email.cc());
        checkRecipients(problems, "bcc", email.bcc());
        int recipients = email.allRecipients().size();
        if (recipients == 0) {
            problems.add(new Violation("to", "at least one recipient is required in to, cc or bcc"));
        } else if (recipients > MAX_RECIPIENTS) {
            problems.add(new Violation("to", "at most " + MAX_RECIPIENTS + " recipients per email (got " + recipients + "); split it into several emails"));
        }
        if (email.subject() == null || email.subject().isBlank()) {
            problems.add(new Violation("subject", "is required"));
        } else {
            if (hasLineBreak(email.subject())) {
                problems.add(new Violation("subject", "must be one line: remove CR and LF characters"));
            }
            if (email.subject().length() > MAX_SUBJECT_LENGTH) {
                problems.add(new Violation("subject", "must be at most " + MAX_SUBJECT_LENGTH + " characters"));
            }
        }
        if (isBlank(email.text()) && isBlank(email.html())) {
            problems.add(new Violation("text", "give text, html or both"));
        }
        email.headers().forEach((name, value) -> checkHeader(problems, name, value));
        for (int i = 0; i < email.tags().size(); i++) {
            String tag = email.tags().get(i);
            if (tag == null || !TAG.matcher(tag).matches()) {
                problems.add(new Violation("tags[" + i + "]", "must be 1-64 characters of letters, digits, _ . : -"));
            }
        }
        for (Map.Entry<String, String> entry : email.metadata().entrySet()) {
            if (entry.getKey() == null || entry.getKey().isBlank() || entry.getKey().length() > 128) {
                problems.add(new Violation("metadata", "keys must be 1-128 characters"));
            }
        }
        long size = utf8Length(email.text()) + utf8Length(email.html());
        for (int i = 0; i < email.attachments().size(); i++) {
            size += checkAttachment(problems, "attachments[" + i + "]", email.attachments().get(i));
        }
        if (size > MAX_CONTENT_BYTES) {
            problems.add(new Violation("attachments", "the email is " + size + " bytes; at most " + MAX_CONTENT_BYTES + " bytes of text, html and attachments are accepted"));
        }
        return problems;
    }

    public static boolean isValidAddress(String address) {
        return address != null && ADDRESS.matcher(address).matches();
    }

    private static void checkRecipients(List<Violation> problems, String field, List<Recipient> recipients) {
        for (int i = 0; i < recipients.size(); i++) {
            Recipient r = recipients.get(i);
            if (r == null) {
                problems.add(new Violation(field + "[" + i + "]", "must be an object {\"email\": ...}"));
                continue;
            }
            checkAddress(problems, field + "[" + i + "]", r.email(), r.name());
            if (r.memberId() != null && (r.memberId().isBlank() || r.memberId().length() > 128 || hasLineBreak(r.memberId()))) {
                problems.add(new Violation(field + "[" + i + "].memberId", "must be 1-128 characters on one line"));
            }
        }
    }

    private static void checkAddress(List<Violation> problems, String field, String address, String name) {
        if (!isValidAddress(address)) {
            problems.add(new Violation(field + ".email", "'" + printable(address) + "' is not a valid email address (expected local@domain.tld)"));
        }
        if (name != null && (hasLineBreak(name) || name.length() > 256)) {
            problems.add(new Violation(field + ".name", "must be one line of at most 256 characters"));
        }
    }

    private static void checkHeader(List<Violation> problems, String name, String value) {
        String field = "headers." + name;
        if (name == null || !HEADER_NAME.matcher(name).matches()) {
            problems.add(new Violation(field, "header names are 1-76 printable ASCII characters without ':' or spaces"));
            return;
        }
        if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            problems.add(new Violation(field, "is set by Mailroom; use the matching body field instead"));
        }
        if (value == null || hasLineBreak(value)) {
            problems.add(new Violation(field, "header values must be one line: remove CR and LF characters"));
        }
    }

    private static long checkAttachment(List<Violation> problems, String field, Attachment a) {
        if (a == null) {
            problems.add(new Violation(field, "must be an object {filename, contentType, content}"));
            return 0;
        }
        if (isBlank(a.filename()) || hasLineBreak(a.filename())) {
            problems.add(new Violation(field + ".filename", "is required, on one line"));
        }
        if (a.contentType() != null && (hasLineBreak(a.contentType()) || !a.contentType().contains("/"))) {
            problems.add(new Violation(field + ".contentType", "must be a MIME type such as application/pdf"));
        }
        if (a.content() == null) {
            problems.add(new Violation(field + ".content", "is required (base64)"));
            return 0;
        }
        try {
            // Line breaks are allowed (MIME style); anything else outside the alphabet is an error.
            return Base64.getDecoder().decode(a.content().replaceAll("[\\r\\n ]", "")).length;
        } catch (IllegalArgumentException e) {
            problems.add(new Violation(field + ".content", "is not valid base64"));
            return 0;
        }
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static long utf8Length(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }
}
