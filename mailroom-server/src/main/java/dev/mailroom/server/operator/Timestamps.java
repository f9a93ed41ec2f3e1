package dev.mailroom.server.operator;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** TIMESTAMP WITH TIME ZONE values that both PostgreSQL's and H2's drivers bind the same way. */
final class Timestamps {
    private Timestamps() {}

    static OffsetDateTime of(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
