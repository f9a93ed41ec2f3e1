package dev.mailroom.server.operator;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Attachment;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.SubmitMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the database can hold, checked before a queue message reaches it. The API and receivers
 * check their input already; the operator checks again because any producer with access to the
 * broker can publish, and a value the database refuses would otherwise fail a whole batch.
 *
 * <p>Timestamps: both PostgreSQL (4713 BC to 294276 AD) and H2 store far more than years 1 to
 * 9999, and {@code OffsetDateTime} fails beyond ±999,999,999. Years 1 to 9999 are what every
 * part of the stack (drivers, ISO-8601 text, JavaScript on the dashboard) handles alike.
 *
 * <p>NUL: PostgreSQL refuses it in text. In a submission it has no meaning (no header, address
 * or body line may hold it), so the message is refused. In an activity's identifying fields
 * (ids, provider, recipient, event name) likewise. In an activity's {@code details} (free text
 * a provider reports: bounce reasons, user agents) it is stripped: the rest of the event is worth
 * keeping and nothing is lost but an invisible character.
 */
final class StorableValues {
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");

    private StorableValues() {}

    /** @throws MalformedMessageException when the instant is outside years 1 to 9999 (UTC) */
    static void checkTime(String field, Instant value) {
        if (value != null && (value.isBefore(EARLIEST) || value.isAfter(LATEST))) {
            throw new MalformedMessageException(
                    field + " " + value + " is outside the years 1 to 9999 that Mailroom stores");
        }
    }

    /** @throws MalformedMessageException when the text holds a NUL character */
    static void checkText(String field, String value) {
        if (value != null && value.indexOf('\0') >= 0) {
            throw new MalformedMessageException(field + " contains a NUL character");
        }
    }

    /** @throws MalformedMessageException when a time or any text of the submission cannot be stored */
    static void checkSubmission(SubmitMessage s) {
        checkTime("sendAt", s.sendAt());
        checkTime("submittedAt", s.submittedAt());
        checkText("organizationId", s.organizationId());
        checkText("provider", s.provider());
        Email e = s.email();
        if (e == null) {
            return;
        }
        checkAddress("from", e.from());
        checkAddress("replyTo", e.replyTo());
        checkRecipients("to", e.to());
        checkRecipients("cc", e.cc());
        checkRecipients("bcc", e.bcc());
        checkText("subject", e.subject());
        checkText("text", e.text());
        checkText("html", e.html());
        e.headers().forEach((name, value) -> {
            checkText("headers (a name)", name);
            checkText("headers." + name, value);
        });
        for (int i = 0; i < e.tags().size(); i++) {
            checkText("tags[" + i + "]", e.tags().get(i));
        }
        e.metadata().forEach((key, value) -> {
            checkText("metadata (a key)", key);
            checkText("metadata." + key, value);
        });
        for (int i = 0; i < e.attachments().size(); i++) {
            Attachment a = e.attachments().get(i);
            if (a != null) {
                checkText("attachments[" + i + "].filename", a.filename());
                checkText("attachments[" + i + "].contentType", a.contentType());
                checkText("attachments[" + i + "].content", a.content());
            }
        }
    }

    /**
     * A report as it can be stored: times and identifying fields checked, NUL stripped from its details.
     *
     * @throws MalformedMessageException when a time or an identifying field cannot be stored
     */
    static ActivityReport storableReport(ActivityReport r) {
        checkTime("occurredAt", r.occurredAt());
        checkTime("retryAt", r.retryAt());
        checkText("providerMessageId", r.providerMessageId());
        checkText("provider", r.provider());
        checkText("recipient", r.recipient());
        checkText("providerEvent", r.providerEvent());
        if (r.attempt() != null && (r.attempt() < 0 || r.attempt() > 1_000_000)) {
            throw new MalformedMessageException("attempt " + r.attempt() + " is not a dispatch attempt");
        }
        if (!hasNul(r.details())) {
            return r;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> details = (Map<String, Object>) withoutNul(r.details());
        return r.withDetails(details);
    }

    /** The text without NUL characters (null stays null). */
    static String withoutNul(String s) {
        return s == null || s.indexOf('\0') < 0 ? s : s.replace("\0", "");
    }

    /** Whether a JSON value (map, list, text, number...) holds a NUL in any key or text: the common case, no copy, when not. */
    private static boolean hasNul(Object value) {
        if (value instanceof String s) {
            return s.indexOf('\0') >= 0;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (hasNul(e.getKey()) || hasNul(e.getValue())) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof List<?> list) {
            for (Object v : list) {
                if (hasNul(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A JSON value (map, list, text, number...) with NUL stripped from every key and text in it. */
    private static Object withoutNul(Object value) {
        if (value instanceof String s) {
            return withoutNul(s);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> clean = new LinkedHashMap<>();
            // Map.copyOf in ActivityReport refuses null values; a JSON null in details is dropped.
            map.forEach((k, v) -> {
                if (k != null && v != null) {
                    clean.put(withoutNul(k.toString()), withoutNul(v));
                }
            });
            return clean;
        }
        if (value instanceof List<?> list) {
            List<Object> clean = new ArrayList<>(list.size());
            list.forEach(v -> clean.add(withoutNul(v)));
            return clean;
        }
        return value;
    }

    private static void checkAddress(String field, Address a) {
        if (a != null) {
            checkText(field + ".email", a.email());
            checkText(field + ".name", a.name());
        }
    }

    private static void checkRecipients(String field, List<Recipient> recipients) {
        for (int i = 0; i < recipients.size(); i++) {
            Recipient r = recipients.get(i);
            if (r != null) {
                checkText(field + "[" + i + "].email", r.email());
                checkText(field + "[" + i + "].name", r.name());
                checkText(field + "[" + i + "].memberId", r.memberId());
            }
        }
    }
}
