package dev.mailroom.bench.load;

import java.time.Instant;

/** Wall-clock microseconds, the resolution of PostgreSQL's timestamps (and of Instant.now() on Linux). */
final class Clocks {
    private Clocks() {}

    static long nowMicros() {
        return micros(Instant.now());
    }

    static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
    }
}
