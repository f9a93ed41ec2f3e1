package dev.mailroom.server.providers.support;

import dev.mailroom.server.providers.DeliveryOutcome;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The rules every HTTP provider shares for turning a failed call into an outcome: 408, 429 and
 * 5xx mean "try later" (never before the provider's Retry-After), any other 4xx means the
 * provider refused this email for good, and a call that never got an answer (connection
 * refused, timeout) means "try later". A 429 is marked {@code rateLimited}: the dispatchers share a
 * back-off for it. Providers only supply the reason in their own words.
 */
public final class HttpOutcomes {
    private static final int MAX_REASON = 500;

    private HttpOutcomes() {}

    /**
     * @param provider         the provider's name, for the reason
     * @param status           the HTTP status of a non-2xx answer
     * @param retryAfterHeader the Retry-After header, or null
     * @param reason           the provider's own error message, extracted from its body
     */
    public static DeliveryOutcome failure(
            String provider, int status, String retryAfterHeader, String reason, Instant now) {
        String text =
                provider + " answered " + status + (reason == null || reason.isBlank() ? "" : ": " + truncate(reason));
        if (isRetryable(status)) {
            return new DeliveryOutcome.RetryLater(text, retryAfter(retryAfterHeader, now), isRateLimit(status));
        }
        return new DeliveryOutcome.Rejected(text);
    }

    /** The call got no answer: the provider may never have seen it, so it is safe and right to retry. */
    public static DeliveryOutcome unreachable(String provider, Exception e) {
        return new DeliveryOutcome.RetryLater(provider + " unreachable: " + truncate(describe(e)), null);
    }

    /** The innermost cause that says something: the JDK's connection errors often have no message of their own. */
    static String describe(Throwable e) {
        String text = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                text = t.getClass().getSimpleName() + ": " + t.getMessage();
            } else if (t.getCause() == null) {
                text = t.getClass().getSimpleName();
            }
        }
        return text;
    }

    /** 429 Too Many Requests: the provider is fine, we send too fast (all dispatchers back off together). */
    public static boolean isRateLimit(int status) {
        return status == 429;
    }

    public static boolean isRetryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /**
     * Reads Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
     *
     * @return the instant, or null when absent or unreadable
     */
    public static Instant retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        try {
            long seconds = Long.parseLong(value);
            // Compared before adding: now + 10^18 s is past Instant.MAX and would throw.
            return seconds < 0 || seconds > Duration.between(now, Instant.MAX).getSeconds()
                    ? null
                    : now.plusSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private static String truncate(String s) {
        String oneLine = s.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= MAX_REASON ? oneLine : oneLine.substring(0, MAX_REASON) + "…";
    }
}
