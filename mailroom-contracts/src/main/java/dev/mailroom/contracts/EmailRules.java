package dev.mailroom.contracts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What makes an email acceptable, checked before anything is queued (API and client), again by
 * the operator when it takes a submission, and again by the dispatcher before any provider sees
 * it: bad input is refused with a reason naming its field and never reaches a provider. The rules
 * are strict about anything that could inject into a MIME header (CR, LF, NUL) or override what
 * Mailroom or a provider sets, and every count and size is capped so that one email cannot
 * exhaust memory, a database column or a provider's own limits.
 *
 * <p>The caps are chosen at or below what the providers' documentation describes (about 50
 * recipients per message for Postmark and SES, messages of 10 MB and more, SendGrid's
 * {@code custom_args} under 10,000 bytes, where metadata goes), so that an email Mailroom accepts
 * is not refused later by the provider for its size. They are documented in the README.
 */
public final class EmailRules {
    public static final int MAX_RECIPIENTS = 50;
    public static final int MAX_SUBJECT_LENGTH = 998;
    /** Text + html + decoded attachments; most providers refuse more than about 20-30 MB. */
    public static final long MAX_CONTENT_BYTES = 10L * 1024 * 1024;

    public static final int MAX_NAME_LENGTH = 256;
    public static final int MAX_MEMBER_ID_LENGTH = 128;
    public static final int MAX_HEADERS = 50;
    /** RFC 5322 lines are at most 998 characters; a longer value would have to be folded. */
    public static final int MAX_HEADER_VALUE_LENGTH = 998;

    public static final int MAX_TAGS = 20;
    public static final int MAX_METADATA_ENTRIES = 50;
    public static final int MAX_METADATA_KEY_LENGTH = 128;
    public static final int MAX_METADATA_VALUE_LENGTH = 1000;
    /** Keys and values together, in UTF-8 bytes. */
    public static final int MAX_METADATA_BYTES = 10_000;

    public static final int MAX_ATTACHMENTS = 20;
    public static final long MAX_ATTACHMENT_BYTES = MAX_CONTENT_BYTES;
    public static final int MAX_FILENAME_LENGTH = 255;
    public static final int MAX_CONTENT_TYPE_LENGTH = 255;

    /** How far ahead {@code sendAt} may be unless the deployment says otherwise. */
    public static final Duration DEFAULT_MAX_SCHEDULE_AHEAD = Duration.ofDays(365);
    /**
     * The instants every store of Mailroom can hold (PostgreSQL and H2 timestamps, four-digit
     * years). Java parses instants from year -1,000,000,000 to 1,000,000,000; those outside this
     * window are refused at the edge instead of failing deep in a batch.
     */
    public static final Instant EARLIEST_INSTANT = Instant.parse("0001-01-01T00:00:00Z");

    public static final Instant LATEST_INSTANT = Instant.parse("9999-12-31T23:59:59Z");

    /** A pragmatic address check: one @, a local part and a dotted domain, no spaces or controls. */
    private static final Pattern ADDRESS = Pattern.compile(
            "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");
    /** RFC 5322 field name: printable US-ASCII except ':' (ftext), at most 76 so name and ": " fit a line. */
    private static final Pattern HEADER_NAME = Pattern.compile("^[!-9;-~]{1,76}$");

    private static final Pattern TAG = Pattern.compile("^[A-Za-z0-9_.:-]{1,64}$");
    /** type/subtype (RFC 6838 restricted names), then optional parameters without control characters. */
    private static final Pattern CONTENT_TYPE = Pattern.compile(
            "^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:\\s*;[^\\x00-\\x1f\\x7f]*)?$");
    /** Headers Mailroom, MIME or the provider sets; an application must not override them. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "from",
            "to",
            "cc",
            "bcc",
            "reply-to",
            "subject",
            "date",
            "message-id",
            "mime-version",
            "sender",
            "return-path",
            // Trace and authentication headers: only relays and signers add them.
            "received",
            "received-spf",
            "dkim-signature",
            "domainkey-signature",
            "authentication-results",
            // SendGrid's SMTP control header.
            "x-smtpapi",
            // One-click unsubscribe (RFC 8058): Mailroom adds them to bulk email, with a link it signed.
            "list-unsubscribe",
            "list-unsubscribe-post");
    /**
     * Whole families of reserved headers: MIME's own ({@code Content-*}), resending and ARC
     * trace headers, Mailroom's correlation header, and the control headers of SES, Mailgun and
     * Postmark.
     */
    private static final List<String> RESERVED_HEADER_PREFIXES =
            List.of("content-", "resent-", "arc-", "x-mailroom-", "x-ses-", "x-mailgun-", "x-pm-");

    private EmailRules() {}

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
            checkAddress(
                    problems,
                    "replyTo",
                    email.replyTo().email(),
                    email.replyTo().name());
        }
        int recipients = email.to().size() + email.cc().size() + email.bcc().size();
        if (recipients == 0) {
            problems.add(new Violation("to", "at least one recipient is required in to, cc or bcc"));
        } else if (recipients > MAX_RECIPIENTS) {
            // Checked before each recipient: a list of a million is refused without a million violations.
            problems.add(new Violation(
                    "to",
                    "at most " + MAX_RECIPIENTS + " recipients per email (got " + recipients
                            + "); split it into several emails"));
        } else {
            checkRecipients(problems, "to", email.to());
            checkRecipients(problems, "cc", email.cc());
            checkRecipients(problems, "bcc", email.bcc());
        }
        if (email.bulkMail()
                && (email.to().size() != 1
                        || !email.cc().isEmpty()
                        || !email.bcc().isEmpty())) {
            // The unsubscribe link names one recipient; a shared message would let each unsubscribe the others.
            problems.add(new Violation(
                    "bulk",
                    "a bulk email has exactly one recipient, in to (no cc or bcc): its unsubscribe link is that"
                            + " recipient's; send one email per recipient"));
        }
        if (email.subject() == null || email.subject().isBlank()) {
            problems.add(new Violation("subject", "is required"));
        } else {
            if (hasLineBreak(email.subject())) {
                problems.add(new Violation("subject", "must be one line: remove CR, LF and NUL characters"));
            }
            if (email.subject().length() > MAX_SUBJECT_LENGTH) {
                problems.add(new Violation("subject", "must be at most " + MAX_SUBJECT_LENGTH + " characters"));
            }
        }
        if (isBlank(email.text()) && isBlank(email.html())) {
            problems.add(new Violation("text", "give text, html or both"));
        }
        checkNoNul(problems, "text", email.text());
        checkNoNul(problems, "html", email.html());
        checkHeaders(problems, email.headers());
        checkTags(problems, email.tags());
        checkMetadata(problems, email.metadata());
        long size = utf8Length(email.text()) + utf8Length(email.html());
        if (email.attachments().size() > MAX_ATTACHMENTS) {
            problems.add(new Violation(
                    "attachments",
                    "at most " + MAX_ATTACHMENTS + " attachments per email (got "
                            + email.attachments().size() + ")"));
        } else {
            for (int i = 0; i < email.attachments().size(); i++) {
                size += checkAttachment(
                        problems, "attachments[" + i + "]", email.attachments().get(i));
            }
        }
        if (size > MAX_CONTENT_BYTES) {
            problems.add(new Violation(
                    "attachments",
                    "the email is " + size + " bytes; at most " + MAX_CONTENT_BYTES
                            + " bytes of text, html and attachments are accepted"));
        }
        return problems;
    }

    /**
     * The rules of a submission: its email, and its times within what can be scheduled and stored.
     * {@code sendAt} in the past means "send now"; more than {@code maxScheduleAhead} after
     * {@code now}, or outside what can be stored, is refused.
     */
    public static List<Violation> check(SubmitMessage submission, Instant now, Duration maxScheduleAhead) {
        List<Violation> problems = new ArrayList<>(check(submission.email()));
        problems.addAll(checkSendAt(submission.sendAt(), now, maxScheduleAhead));
        if (submission.submittedAt() != null && !isStorable(submission.submittedAt())) {
            problems.add(
                    new Violation("submittedAt", "must be between " + EARLIEST_INSTANT + " and " + LATEST_INSTANT));
        }
        return problems;
    }

    /** {@link #checkSendAt(Instant, Instant, Duration)} with {@link #DEFAULT_MAX_SCHEDULE_AHEAD}. */
    public static List<Violation> checkSendAt(Instant sendAt, Instant now) {
        return checkSendAt(sendAt, now, DEFAULT_MAX_SCHEDULE_AHEAD);
    }

    /**
     * @param sendAt           when to send; null or in the past means now
     * @param now              the time of the check
     * @param maxScheduleAhead how far after {@code now} a send may be scheduled
     * @return no violation, or one naming {@code sendAt}
     */
    public static List<Violation> checkSendAt(Instant sendAt, Instant now, Duration maxScheduleAhead) {
        if (sendAt == null) {
            return List.of();
        }
        if (sendAt.isBefore(EARLIEST_INSTANT)) {
            return List.of(new Violation(
                    "sendAt", "must not be before " + EARLIEST_INSTANT + " (a past time means: send now)"));
        }
        Instant latest = latestSendAt(now, maxScheduleAhead);
        if (sendAt.isAfter(latest)) {
            return List.of(new Violation(
                    "sendAt",
                    "must be at most " + describe(maxScheduleAhead) + " ahead (no later than " + latest + "); got "
                            + sendAt));
        }
        return List.of();
    }

    /** {@code now + maxScheduleAhead}, never past {@link #LATEST_INSTANT} and never overflowing. */
    static Instant latestSendAt(Instant now, Duration maxScheduleAhead) {
        if (!now.isBefore(LATEST_INSTANT)) {
            return LATEST_INSTANT;
        }
        Duration ahead = maxScheduleAhead == null || maxScheduleAhead.isNegative() ? Duration.ZERO : maxScheduleAhead;
        // Compared before adding: now.plus(a huge duration) would throw instead of clamping.
        return ahead.compareTo(Duration.between(now, LATEST_INSTANT)) >= 0 ? LATEST_INSTANT : now.plus(ahead);
    }

    /** Whether every Mailroom store can hold this instant. */
    public static boolean isStorable(Instant instant) {
        return !instant.isBefore(EARLIEST_INSTANT) && !instant.isAfter(LATEST_INSTANT);
    }

    public static boolean isValidAddress(String address) {
        return address != null && ADDRESS.matcher(address).matches();
    }

    /** Whether a header name is refused because Mailroom, MIME or a provider controls that header. */
    public static boolean isReservedHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED_HEADERS.contains(lower)) {
            return true;
        }
        for (String prefix : RESERVED_HEADER_PREFIXES) {
            if (lower.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static void checkRecipients(List<Violation> problems, String field, List<Recipient> recipients) {
        for (int i = 0; i < recipients.size(); i++) {
            Recipient r = recipients.get(i);
            if (r == null) {
                problems.add(new Violation(field + "[" + i + "]", "must be an object {\"email\": ...}"));
                continue;
            }
            checkAddress(problems, field + "[" + i + "]", r.email(), r.name());
            if (r.memberId() != null
                    && (r.memberId().isBlank()
                            || r.memberId().length() > MAX_MEMBER_ID_LENGTH
                            || hasLineBreak(r.memberId()))) {
                problems.add(new Violation(
                        field + "[" + i + "].memberId",
                        "must be 1-" + MAX_MEMBER_ID_LENGTH + " characters on one line"));
            }
        }
    }

    private static void checkAddress(List<Violation> problems, String field, String address, String name) {
        if (!isValidAddress(address)) {
            problems.add(new Violation(
                    field + ".email",
                    "'" + printable(address) + "' is not a valid email address (expected local@domain.tld)"));
        }
        if (name != null && (hasLineBreak(name) || name.length() > MAX_NAME_LENGTH)) {
            problems.add(
                    new Violation(field + ".name", "must be one line of at most " + MAX_NAME_LENGTH + " characters"));
        }
    }

    private static void checkHeaders(List<Violation> problems, Map<String, String> headers) {
        if (headers.size() > MAX_HEADERS) {
            problems.add(new Violation(
                    "headers", "at most " + MAX_HEADERS + " headers per email (got " + headers.size() + ")"));
            return;
        }
        Set<String> seen = new HashSet<>();
        headers.forEach((name, value) -> {
            String field = "headers." + printable(name);
            if (name == null || !HEADER_NAME.matcher(name).matches()) {
                problems.add(new Violation(
                        field, "header names are 1-76 printable ASCII characters without ':' or spaces (RFC 5322)"));
                return;
            }
            if (isReservedHeader(name)) {
                problems.add(new Violation(
                        field,
                        "is set by Mailroom, MIME or the provider; use the matching body field, or leave it out"));
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                problems.add(new Violation(field, "is given twice: header names are case-insensitive"));
            }
            if (value == null || hasControl(value)) {
                problems.add(new Violation(
                        field,
                        "header values must be one line of text: remove CR, LF, NUL and other control characters"));
            } else if (value.length() > MAX_HEADER_VALUE_LENGTH) {
                problems.add(
                        new Violation(field, "header values are at most " + MAX_HEADER_VALUE_LENGTH + " characters"));
            }
        });
    }

    private static void checkTags(List<Violation> problems, List<String> tags) {
        if (tags.size() > MAX_TAGS) {
            problems.add(new Violation("tags", "at most " + MAX_TAGS + " tags per email (got " + tags.size() + ")"));
            return;
        }
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            if (tag == null || !TAG.matcher(tag).matches()) {
                problems.add(new Violation("tags[" + i + "]", "must be 1-64 characters of letters, digits, _ . : -"));
            }
        }
    }

    private static void checkMetadata(List<Violation> problems, Map<String, String> metadata) {
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            problems.add(new Violation(
                    "metadata",
                    "at most " + MAX_METADATA_ENTRIES + " entries per email (got " + metadata.size() + ")"));
            return;
        }
        long bytes = 0;
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue();
            String field = "metadata." + printable(key);
            if (key == null || key.isBlank() || key.length() > MAX_METADATA_KEY_LENGTH || hasControl(key)) {
                problems.add(new Violation(
                        field, "keys must be 1-" + MAX_METADATA_KEY_LENGTH + " characters without control characters"));
            }
            if (value == null) {
                problems.add(new Violation(field, "must be a string (give \"\" for none)"));
            } else if (value.length() > MAX_METADATA_VALUE_LENGTH || value.indexOf('\0') >= 0) {
                problems.add(new Violation(
                        field, "values must be at most " + MAX_METADATA_VALUE_LENGTH + " characters, without NUL"));
            }
            bytes += utf8Length(key) + utf8Length(value);
        }
        if (bytes > MAX_METADATA_BYTES) {
            problems.add(new Violation(
                    "metadata",
                    "keys and values are " + bytes + " bytes together; at most " + MAX_METADATA_BYTES
                            + " are accepted"));
        }
    }

    private static long checkAttachment(List<Violation> problems, String field, Attachment a) {
        if (a == null) {
            problems.add(new Violation(field, "must be an object {filename, contentType, content}"));
            return 0;
        }
        if (isBlank(a.filename())
                || a.filename().length() > MAX_FILENAME_LENGTH
                || hasControl(a.filename())
                || a.filename().indexOf('/') >= 0
                || a.filename().indexOf('\\') >= 0) {
            problems.add(new Violation(
                    field + ".filename",
                    "is required: a name (not a path) of at most " + MAX_FILENAME_LENGTH
                            + " characters, without '/', '\\' or control characters"));
        }
        if (a.contentType() != null
                && (a.contentType().length() > MAX_CONTENT_TYPE_LENGTH
                        || !CONTENT_TYPE.matcher(a.contentType()).matches())) {
            problems.add(new Violation(
                    field + ".contentType",
                    "must be a MIME type such as application/pdf (at most " + MAX_CONTENT_TYPE_LENGTH
                            + " characters)"));
        }
        if (a.content() == null) {
            problems.add(new Violation(field + ".content", "is required (base64)"));
            return 0;
        }
        // Base64 is 4 characters per 3 bytes: far too long a text is refused before it is decoded.
        if (a.content().length() / 4 * 3 > MAX_ATTACHMENT_BYTES + MAX_ATTACHMENT_BYTES / 10) {
            problems.add(new Violation(
                    field + ".content",
                    "is over " + MAX_ATTACHMENT_BYTES + " bytes; attachments are at most that large"));
            return MAX_ATTACHMENT_BYTES + 1;
        }
        long decoded;
        try {
            // Line breaks are allowed (MIME style); anything else outside the alphabet is an error.
            String content = a.content();
            if (content.indexOf('\r') >= 0 || content.indexOf('\n') >= 0 || content.indexOf(' ') >= 0) {
                content = content.replaceAll("[\\r\\n ]", "");
            }
            decoded = Base64.getDecoder().decode(content).length;
        } catch (IllegalArgumentException e) {
            problems.add(new Violation(field + ".content", "is not valid base64"));
            return 0;
        }
        if (decoded > MAX_ATTACHMENT_BYTES) {
            problems.add(new Violation(
                    field + ".content",
                    "is " + decoded + " bytes; attachments are at most " + MAX_ATTACHMENT_BYTES + " bytes"));
        }
        return decoded;
    }

    private static void checkNoNul(List<Violation> problems, String field, String s) {
        if (s != null && s.indexOf('\0') >= 0) {
            problems.add(new Violation(field, "must not contain NUL characters"));
        }
    }

    private static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0;
    }

    /** C0 controls other than tab, and DEL: never part of a one-line header, key or file name. */
    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** Counted, not encoded: the dispatcher checks every email again and a body can be megabytes. */
    private static long utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static String describe(Duration d) {
        return d.toSeconds() % 86_400 == 0 ? d.toDays() + " days" : d.toString();
    }

    /** For messages and field names: control characters made visible, and never more than 80 characters. */
    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String shown = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return shown.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }
}
