package dev.mailroom.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.UtcDay;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusDaysTest {
    private static final LocalDate DEC_7 = LocalDate.of(2026, 12, 7);

    @Test
    void consecutiveDaysAreOneRangeAndAGapStartsAnother() {
        List<StatusDays.Range> ranges =
                StatusDays.ranges(List.of(DEC_7, DEC_7.minusDays(1), DEC_7.minusDays(2), DEC_7.minusDays(10)));

        assertThat(ranges)
                .containsExactly(
                        new StatusDays.Range(
                                Instant.parse("2026-12-05T00:00:00Z"), Instant.parse("2026-12-08T00:00:00Z")),
                        new StatusDays.Range(
                                Instant.parse("2026-11-27T00:00:00Z"), Instant.parse("2026-11-28T00:00:00Z")));
    }

    @Test
    void noDaysAreNoRanges() {
        assertThat(StatusDays.ranges(List.of())).isEmpty();
    }

    @Test
    void theDayOfAnInstantIsItsUtcDay() {
        assertThat(UtcDay.of(Instant.parse("2026-12-07T23:59:59.999Z"))).isEqualTo(DEC_7);
        assertThat(UtcDay.of(Instant.parse("2026-12-08T00:00:00Z"))).isEqualTo(DEC_7.plusDays(1));
    }
}
