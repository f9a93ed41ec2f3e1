package dev.mailroom.client;

import dev.mailroom.contracts.Violation;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Mailroom answered a request with an error: its problem+json (RFC 9457) as fields. {@link #errors()} names the
 * fields at fault ({@code to[0].email}, {@code Idempotency-Key}, …) for a 422, a 409 or a 400. An
 * {@link IOException}, so that {@code submit} keeps its signature; it is thrown only once retrying cannot help (a
 * 4xx other than 429) or the attempts are used up.
 */
public class MailroomApiException extends IOException {
    private final int status;
    private final String type;
    private final String title;
    private final String detail;
    private final transient List<Violation> errors;
    private final transient Map<String, Object> properties;
    private final transient Duration retryAfter;

    /**
     * @param status     the HTTP status
     * @param type       the problem's {@code type} (often {@code about:blank})
     * @param title      the problem's {@code title}, or the reason phrase when the body was no problem
     * @param detail     the problem's {@code detail}, or an excerpt of a body that was no problem
     * @param errors     the problem's {@code errors} ({@code field}, {@code message}); empty when none
     * @param properties every member of the problem, as read (for extensions such as {@code messageStatus})
     * @param retryAfter the {@code Retry-After} Mailroom asked for (429, 503), or null
     */
    public MailroomApiException(
            int status,
            String type,
            String title,
            String detail,
            List<Violation> errors,
            Map<String, Object> properties,
            Duration retryAfter) {
        super(status + " " + (title == null ? "" : title) + (detail == null ? "" : ": " + detail)
                + (errors == null || errors.isEmpty() ? "" : " [" + Violation.summary(errors) + "]"));
        this.status = status;
        this.type = type;
        this.title = title;
        this.detail = detail;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
        this.properties = properties == null ? Map.of() : properties;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    /** The fields at fault, as the problem's {@code errors} names them; empty when it names none. */
    public List<Violation> errors() {
        return errors;
    }

    /** The problem's member {@code name} (an extension such as {@code messageStatus}), or null. */
    public Object property(String name) {
        return properties.get(name);
    }

    /** The {@code Retry-After} of a 429 or 503, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
