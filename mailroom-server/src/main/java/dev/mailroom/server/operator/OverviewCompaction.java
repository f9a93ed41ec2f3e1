package dev.mailroom.server.operator;

import dev.mailroom.server.BackgroundThread;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.OverviewProperties;
import dev.mailroom.server.Role;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Folds the overview's counts ({@link OverviewRollup}): every {@code mailroom.overview.compaction-interval}, the rows
 * of each (organization, day, status) that has several become one row holding their sum (none when it is 0), so that
 * a read of a window sums about one row per day and status.
 *
 * <p>Safe with any number of operators doing it at once, and with the pipeline writing meanwhile, without a lock of
 * its own: the pipeline only inserts rows and never touches an existing one, and a compaction, in one short
 * transaction, locks the rows it folds ({@code FOR UPDATE}, in id order), deletes exactly those rows by id and inserts
 * their sum. Every committed state therefore counts each delta once, as itself or inside one sum, and a read (one
 * statement, one snapshot) sees the rows before a compaction or after it, never half of it. A second operator folding
 * the same rows waits for the first's locks; PostgreSQL then leaves the rows the first deleted out of what it
 * returns, so the second folds only rows still there. Locks taken in id order cannot deadlock with each other, and
 * no pipeline transaction waits for them.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class OverviewCompaction extends BackgroundThread {
    private static final Logger log = LoggerFactory.getLogger(OverviewCompaction.class);
    /**
     * Days folded per transaction: with at most 17 statuses a day, 340 groups, fewer than a batch of rows (at least
     * 1,000): a batch of the oldest rows of days that have something to fold always holds two rows of one group, so
     * every transaction folds something until nothing is left.
     */
    static final int DAYS_PER_TRANSACTION = 20;

    private final NamedParameterJdbcTemplate named;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Duration interval;
    private final int batch;

    OverviewCompaction(JdbcTemplate jdbc, TransactionTemplate tx, OverviewProperties properties) {
        super("operator-overview-compaction");
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.tx = tx;
        this.interval = properties.compactionInterval();
        this.batch = properties.compactionBatch();
    }

    @Override
    protected void runUntilStopped() {
        while (running()) {
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            try {
                int folded = compactNow();
                if (folded > 0) {
                    log.debug("Folded {} rows of the overview's counts", folded);
                }
            } catch (RuntimeException e) {
                // The database away, most likely: the rows wait for the next round, and reads sum them meanwhile.
                log.warn("Folding the overview's counts failed, trying again in {}: {}", interval, LogSafe.escape(e));
            }
        }
    }

    /** Folds every organization's rows that can be folded now; the number of rows fewer. */
    int compactNow() {
        int fewer = 0;
        for (String organization : organizationsToFold()) {
            List<LocalDate> days = daysToFold(organization);
            for (int from = 0; from < days.size(); from += DAYS_PER_TRANSACTION) {
                List<LocalDate> some = days.subList(from, Math.min(days.size(), from + DAYS_PER_TRANSACTION));
                int folded;
                do {
                    Integer n = tx.execute(status -> fold(organization, some));
                    folded = n == null ? 0 : n;
                    fewer += folded;
                } while (folded > 0);
            }
        }
        return fewer;
    }

    /** The organizations with a (day, status) of several rows. */
    private List<String> organizationsToFold() {
        return jdbc.queryForList(
                "SELECT DISTINCT organization_id FROM (SELECT organization_id FROM overview_counts"
                        + " GROUP BY organization_id, created_on, status HAVING COUNT(*) > 1) AS several",
                String.class);
    }

    private List<LocalDate> daysToFold(String organization) {
        TreeSet<LocalDate> days = new TreeSet<>();
        jdbc.query(
                "SELECT created_on FROM overview_counts WHERE organization_id = ? GROUP BY created_on, status"
                        + " HAVING COUNT(*) > 1",
                rs -> {
                    days.add(rs.getObject("created_on", LocalDate.class));
                },
                organization);
        return new ArrayList<>(days);
    }

    private record Row(long id, LocalDate day, String status, long delta) {}

    private record Group(LocalDate day, String status) implements Comparable<Group> {
        @Override
        public int compareTo(Group other) {
            int byDay = day.compareTo(other.day);
            return byDay != 0 ? byDay : status.compareTo(other.status);
        }
    }

    /**
     * In the caller's transaction: locks up to a batch of the oldest rows of the organization on those days, and
     * replaces them by one row per (day, status) holding their sum. Returns how many rows fewer there are (0: nothing
     * to fold among them, nothing written).
     */
    private int fold(String organization, List<LocalDate> days) {
        List<Row> rows = named.query(
                "SELECT id, created_on, status, delta FROM overview_counts WHERE organization_id = :org"
                        + " AND created_on IN (:days) ORDER BY id LIMIT :limit FOR UPDATE",
                new MapSqlParameterSource("org", organization)
                        .addValue("days", days)
                        .addValue("limit", batch),
                (rs, i) -> new Row(
                        rs.getLong("id"),
                        rs.getObject("created_on", LocalDate.class),
                        rs.getString("status"),
                        rs.getLong("delta")));
        Map<Group, Long> sums = new TreeMap<>();
        rows.forEach(r -> sums.merge(new Group(r.day(), r.status()), r.delta(), Long::sum));
        if (rows.size() <= sums.size()) {
            return 0;
        }
        List<Long> ids = rows.stream().map(Row::id).toList();
        for (int from = 0; from < ids.size(); from += 1000) {
            named.update(
                    "DELETE FROM overview_counts WHERE id IN (:ids)",
                    new MapSqlParameterSource("ids", ids.subList(from, Math.min(ids.size(), from + 1000))));
        }
        List<Object[]> folded = new ArrayList<>();
        sums.forEach((group, sum) -> {
            if (sum != 0) {
                folded.add(new Object[] {organization, group.day(), group.status(), sum});
            }
        });
        if (!folded.isEmpty()) {
            jdbc.batchUpdate(
                    "INSERT INTO overview_counts (organization_id, created_on, status, delta) VALUES (?,?,?,?)",
                    folded);
        }
        return rows.size() - folded.size();
    }
}
