package dev.mailroom.server.api;

import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.UtcDay;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Where in time an organization has emails at a status, from the overview's counts ({@code overview_counts}, V21): how
 * many of its emails stored on each UTC day are at each status now. The operator writes those counts in the
 * transaction that changes a status, so a day whose count is zero holds no email at that status (in the read's own
 * snapshot on PostgreSQL). A day may count emails that retention has deleted since; it is then read and found empty.
 *
 * <p>Why: a status on the pipeline's main path (ACCEPTED … CLICKED) has no index of its own (V18 keeps every status
 * update HOT), so the message list filtered by one walked all of the organization's emails, newest first, until a page
 * was full: 0.4–1.1 s at 1 million emails for the one email at DISPATCHED in the largest organization, 8.6 s at 10
 * million. Walking only the days that have such emails reads those days' emails and no others.
 */
final class StatusDays {
    /** Days, newest first, as ranges of consecutive days: [from, to) in UTC. */
    record Range(Instant from, Instant to) {}

    private final NamedParameterJdbcTemplate named;

    StatusDays(NamedParameterJdbcTemplate named) {
        this.named = named;
    }

    /**
     * The ranges of consecutive UTC days, newest first, on which the organization has emails at {@code status}, within
     * {@code [first, last]} (either null: unbounded).
     */
    List<Range> newestFirst(String organizationId, MessageStatus status, LocalDate first, LocalDate last) {
        StringBuilder sql = new StringBuilder(
                "SELECT created_on FROM overview_counts WHERE organization_id = :org AND status = :status");
        MapSqlParameterSource params =
                new MapSqlParameterSource("org", organizationId).addValue("status", status.name());
        if (first != null) {
            sql.append(" AND created_on >= :first");
            params.addValue("first", first);
        }
        if (last != null) {
            sql.append(" AND created_on <= :last");
            params.addValue("last", last);
        }
        sql.append(" GROUP BY created_on HAVING SUM(delta) > 0 ORDER BY created_on DESC");
        List<LocalDate> days = named.query(sql.toString(), params, (rs, i) -> rs.getObject(1, LocalDate.class));
        return ranges(days);
    }

    /** Consecutive days (given newest first) joined into one range each, so that a run of days is one walk. */
    static List<Range> ranges(List<LocalDate> newestFirst) {
        List<Range> ranges = new ArrayList<>();
        LocalDate newest = null;
        LocalDate oldest = null;
        for (LocalDate day : newestFirst) {
            if (oldest != null && day.equals(oldest.minusDays(1))) {
                oldest = day;
                continue;
            }
            if (newest != null) {
                ranges.add(range(oldest, newest));
            }
            newest = day;
            oldest = day;
        }
        if (newest != null) {
            ranges.add(range(oldest, newest));
        }
        return ranges;
    }

    private static Range range(LocalDate oldest, LocalDate newest) {
        return new Range(UtcDay.startOf(oldest), UtcDay.startOf(newest.plusDays(1)));
    }
}
