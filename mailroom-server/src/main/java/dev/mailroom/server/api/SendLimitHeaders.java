package dev.mailroom.server.api;

import dev.mailroom.server.accounts.SendAllowance;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;

/**
 * The send limits as response headers, in the form of the IETF draft "RateLimit header fields for HTTP"
 * (draft-ietf-httpapi-ratelimit-headers): {@code RateLimit-Policy} lists each limit ({@code q} emails per
 * {@code w} seconds), {@code RateLimit} what is left of each ({@code r}) and in how many seconds the window's
 * oldest counted emails leave it ({@code t}). An organization without limits gets neither.
 */
final class SendLimitHeaders {
    static final String POLICY = "RateLimit-Policy";
    static final String STATE = "RateLimit";

    private SendLimitHeaders() {}

    static HttpHeaders of(SendAllowance.Usage usage, Instant now) {
        HttpHeaders headers = new HttpHeaders();
        if (usage == null || !usage.limited()) {
            return headers;
        }
        headers.set(
                POLICY,
                usage.windows().stream()
                        .map(w -> "\"" + w.window().value() + "\";q=" + w.limit() + ";w="
                                + w.window().length().toSeconds())
                        .collect(Collectors.joining(", ")));
        headers.set(
                STATE,
                usage.windows().stream()
                        .map(w -> "\"" + w.window().value() + "\";r=" + w.remaining() + ";t="
                                + secondsUntil(w.resetAt(), now))
                        .collect(Collectors.joining(", ")));
        return headers;
    }

    /** The Retry-After of a refused grant: at least a second, so that a client never retries at once. */
    static String retryAfter(SendAllowance.Grant grant, Instant now) {
        return String.valueOf(Math.max(1, secondsUntil(grant.retryAt(), now)));
    }

    /** Whole seconds, rounded up: a client that waits this long is not refused for being early. */
    static long secondsUntil(Instant then, Instant now) {
        long millis = Duration.between(now, then).toMillis();
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }
}
