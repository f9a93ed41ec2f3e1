package dev.mailroom.server.providers;

import dev.mailroom.contracts.Email;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One email to send, with our id (which every provider carries as {@code mailroom_id}).
 *
 * @param unsubscribeUrl a bulk email's signed one-click unsubscribe URL, or null: every provider sends it as
 *                       {@link #headers()} say
 */
public record OutboundEmail(UUID messageId, int attempt, Email email, String unsubscribeUrl) {
    public static final String LIST_UNSUBSCRIBE = "List-Unsubscribe";
    public static final String LIST_UNSUBSCRIBE_POST = "List-Unsubscribe-Post";
    /** RFC 8058 §3.1: the one value that tells a mail client a POST unsubscribes at once. */
    public static final String ONE_CLICK = "List-Unsubscribe=One-Click";

    /**
     * What the operator puts in a link: an http(s) URL of URL characters, short enough for one header line. Checked
     * again by the dispatcher (whoever can publish to the dispatching queue could put anything there).
     */
    private static final Pattern URL = Pattern.compile("^https?://[A-Za-z0-9\\-._~:/?#\\[\\]@!$&'()*+,;=%]{1,1900}$");

    /** An email without an unsubscribe link. */
    public OutboundEmail(UUID messageId, int attempt, Email email) {
        this(messageId, attempt, email, null);
    }

    /** Whether {@code url} may go into {@code List-Unsubscribe} as it is. */
    public static boolean isValidUnsubscribeUrl(String url) {
        return url != null && URL.matcher(url).matches();
    }

    /**
     * The headers to send: the application's, in its order, then with a link {@code List-Unsubscribe: <url>} and
     * {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click} (RFC 8058), which the application may not set itself
     * (EmailRules reserves them).
     */
    public Map<String, String> headers() {
        if (unsubscribeUrl == null) {
            return email.headers();
        }
        Map<String, String> headers = new LinkedHashMap<>(email.headers());
        headers.put(LIST_UNSUBSCRIBE, "<" + unsubscribeUrl + ">");
        headers.put(LIST_UNSUBSCRIBE_POST, ONE_CLICK);
        return Collections.unmodifiableMap(headers);
    }
}
