package dev.mailroom.server;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The UTC day an email stored at an instant counts on: the one rule the operator's overview counts are written by and
 * the API's readers of those counts (the overview, the status list's days) read by, so the two never disagree.
 */
public final class UtcDay {
    private UtcDay() {}

    public static LocalDate of(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }

    /** The instant a UTC day begins: the lower bound of the emails that count on it. */
    public static Instant startOf(LocalDate day) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
