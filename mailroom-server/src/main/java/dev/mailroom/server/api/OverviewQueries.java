package dev.mailroom.server.api;

import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.UtcDay;
import dev.mailroom.server.api.OverviewViews.Overview;
import dev.mailroom.server.api.OverviewViews.OverviewDay;
import dev.mailroom.server.api.OverviewViews.OverviewFigures;
import dev.mailroom.server.api.OverviewViews.OverviewRates;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The organization's figures per day, from the counts the operator keeps as it stores emails and changes their
 * statuses ({@code overview_counts}, V21): a read sums the few rows of each day and status of the window, never the
 * organization's messages. Scoped by {@code organization_id} like every history read.
 */
@Repository
@ConditionalOnRole(Role.API)
class OverviewQueries {
    private final JdbcTemplate jdbc;

    OverviewQueries(@Qualifier(HistoryReads.JDBC) JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The figures of the UTC days {@code first} to {@code last}, both included. */
    Overview overview(String organizationId, LocalDate first, LocalDate last) {
        Map<LocalDate, Map<MessageStatus, Long>> byDay = new HashMap<>();
        // One statement, so one snapshot: a compaction committing meanwhile is seen wholly or not at all.
        jdbc.query(
                "SELECT created_on, status, SUM(delta) AS n FROM overview_counts"
                        + " WHERE organization_id = ? AND created_on >= ? AND created_on <= ?"
                        + " GROUP BY created_on, status",
                rs -> {
                    MessageStatus status = statusOf(rs.getString("status"));
                    if (status != null) {
                        byDay.computeIfAbsent(
                                        rs.getObject("created_on", LocalDate.class),
                                        d -> new EnumMap<>(MessageStatus.class))
                                .merge(status, rs.getLong("n"), Long::sum);
                    }
                },
                organizationId,
                first,
                last);

        Map<MessageStatus, Long> total = new EnumMap<>(MessageStatus.class);
        List<OverviewDay> daily = new ArrayList<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
            Map<MessageStatus, Long> counts = byDay.getOrDefault(day, Map.of());
            counts.forEach((status, n) -> total.merge(status, n, Long::sum));
            daily.add(new OverviewDay(day, OverviewFigures.of(counts)));
        }
        Map<String, Long> statuses = new LinkedHashMap<>();
        // EnumMap iterates in declaration order, which is precedence order.
        total.forEach((status, n) -> {
            if (n != 0) {
                statuses.put(status.name(), n);
            }
        });
        OverviewFigures totals = OverviewFigures.of(total);
        return new Overview(
                daily.size(),
                UtcDay.startOf(first),
                UtcDay.startOf(last.plusDays(1)),
                totals,
                OverviewRates.of(totals),
                statuses,
                daily);
    }

    /** A stored status this version knows; null for one it does not (counted by nothing here). */
    private static MessageStatus statusOf(String name) {
        try {
            return MessageStatus.valueOf(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
