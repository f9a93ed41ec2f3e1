package dev.mailroom.server.api;

import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.Violation;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.springframework.format.datetime.standard.InstantFormatter;

/**
 * The query parameters of the list routes, parsed one by one; every problem is collected, naming
 * its parameter, and {@link #validate()} refuses them all at once with 422 "Invalid query parameter".
 * Times must lie in years 1 to 9999: Java parses far more than a database column (or an
 * {@code OffsetDateTime}) holds, and such a time must be the caller's mistake, not our 500.
 */
final class QueryParameters {
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");
    private static final InstantFormatter INSTANTS = new InstantFormatter();

    private final List<Violation> problems = new ArrayList<>();

    /** Whether a time can be compared with the database's: years 1 to 9999. */
    static boolean isStorable(Instant at) {
        return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
    }

    /** An instant (ISO-8601 such as 2026-01-31T12:00:00Z), or null when absent or blank. */
    Instant instant(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        Instant at;
        try {
            at = INSTANTS.parse(text.trim(), Locale.ROOT);
        } catch (ParseException | DateTimeException e) {
            problems.add(
                    new Violation(name, "'" + text + "' is not an instant; use ISO-8601 such as 2026-01-31T12:00:00Z"));
            return null;
        }
        if (!isStorable(at)) {
            problems.add(new Violation(name, "must be between " + EARLIEST + " and " + LATEST));
            return null;
        }
        return at;
    }

    /** A page size: {@code fallback} when absent, else a whole number in 1..{@code max}. */
    int limit(String text, int fallback, int max) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // Reported below, like an out-of-range number.
        }
        problems.add(new Violation("limit", "must be between 1 and " + max));
        return fallback;
    }

    /** A number of days: {@code fallback} when absent, else a whole number in 1..{@code max}, named {@code name}. */
    int days(String name, String text, int fallback, int max) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int days = Integer.parseInt(text.trim());
            if (days >= 1 && days <= max) {
                return days;
            }
        } catch (NumberFormatException e) {
            // Reported below, like an out-of-range number.
        }
        problems.add(new Violation(name, "must be a whole number of days between 1 and " + max));
        return fallback;
    }

    /** A cursor decoded by {@code decode}, which throws IllegalArgumentException with the message to show; null when absent. */
    <T> T cursor(String text, Function<String, T> decode) {
        if (text == null) {
            return null;
        }
        try {
            return decode.apply(text);
        } catch (IllegalArgumentException e) {
            problems.add(new Violation("cursor", e.getMessage()));
            return null;
        }
    }

    /**
     * Statuses given as a repeated parameter, comma-separated values, or both ({@code ?x=BOUNCED&x=FAILED},
     * {@code ?x=BOUNCED,FAILED}), ignoring case and blanks; empty when absent. Each unknown one is a problem
     * naming {@code name}.
     */
    Set<MessageStatus> statuses(String name, List<String> texts) {
        Set<MessageStatus> statuses = EnumSet.noneOf(MessageStatus.class);
        if (texts == null) {
            return statuses;
        }
        for (String text : texts) {
            for (String value : text.split(",", -1)) {
                if (value.isBlank()) {
                    continue;
                }
                try {
                    statuses.add(MessageStatus.valueOf(value.strip().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    problems.add(new Violation(
                            name,
                            "unknown status '" + value.strip() + "'; use one of " + List.of(MessageStatus.values())));
                }
            }
        }
        return statuses;
    }

    void add(Violation violation) {
        problems.add(violation);
    }

    /** @throws InvalidRequestException naming every parameter in error */
    void validate() {
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(InvalidRequestException.INVALID_QUERY_PARAMETER, problems);
        }
    }
}
