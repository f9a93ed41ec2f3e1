package dev.mailroom.server.accounts;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The {@code send_counts} table and the send-limit columns of {@code organizations}. */
@Component
@ConditionalOnRole({Role.API, Role.OPERATOR})
class SendCountStore {
    private final JdbcClient jdbc;

    SendCountStore(@Qualifier(AccountsDatabase.POOL) JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** An organization's plan and its own limits (overrides). */
    record Limits(String organizationId, String plan, SendLimits own) {}

    private static final String LIMITS =
            "SELECT id, plan, limit_per_second, limit_per_minute, limit_per_hour, limit_per_day FROM organizations";

    List<Limits> find(Collection<String> organizationIds) {
        return jdbc.sql(LIMITS + " WHERE id IN (:ids)")
                .param("ids", organizationIds)
                .query((rs, n) -> limits(rs))
                .list();
    }

    /**
     * Locks the organizations' rows, in id order (so that two processes taking overlapping sets cannot
     * deadlock), and reads their limits. Held until the transaction ends: every process counting for these
     * organizations waits here, so a count and its check are one step.
     */
    List<Limits> lock(Collection<String> organizationIds) {
        return jdbc.sql(LIMITS + " WHERE id IN (:ids) ORDER BY id FOR UPDATE")
                .param("ids", organizationIds)
                .query((rs, n) -> limits(rs))
                .list();
    }

    private static Limits limits(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Limits(
                rs.getString(1),
                rs.getString(2),
                new SendLimits(
                        (Integer) rs.getObject(3, Integer.class),
                        (Integer) rs.getObject(4, Integer.class),
                        (Integer) rs.getObject(5, Integer.class),
                        (Integer) rs.getObject(6, Integer.class)));
    }

    /** The buckets still counted at the given time, per window: bucket → emails. */
    Map<SendWindow, TreeMap<Long, Integer>> counted(
            String organizationId, Collection<SendWindow> windows, long nowMillis) {
        Map<SendWindow, TreeMap<Long, Integer>> counts = new EnumMap<>(SendWindow.class);
        for (SendWindow w : windows) {
            TreeMap<Long, Integer> buckets = new TreeMap<>();
            jdbc.sql("SELECT bucket, sent FROM send_counts WHERE organization_id = ? AND span_ms = ? AND bucket >= ?")
                    .params(organizationId, (int) w.spanMillis(), w.oldestCountedAt(nowMillis))
                    .query(rs -> {
                        buckets.put(rs.getLong(1), rs.getInt(2));
                    });
            counts.put(w, buckets);
        }
        return counts;
    }

    /** Adds emails to the current bucket of each window. */
    void add(String organizationId, Collection<SendWindow> windows, int emails, long nowMillis) {
        for (SendWindow w : windows) {
            jdbc.sql("MERGE INTO send_counts t USING (SELECT CAST(? AS VARCHAR(64)) AS organization_id,"
                            + " CAST(? AS INT) AS span_ms, CAST(? AS BIGINT) AS bucket, CAST(? AS INT) AS sent) s"
                            + " ON t.organization_id = s.organization_id AND t.span_ms = s.span_ms AND t.bucket = s.bucket"
                            + " WHEN MATCHED THEN UPDATE SET sent = t.sent + s.sent"
                            + " WHEN NOT MATCHED THEN INSERT (organization_id, span_ms, bucket, sent)"
                            + " VALUES (s.organization_id, s.span_ms, s.bucket, s.sent)")
                    .params(organizationId, (int) w.spanMillis(), w.bucketAt(nowMillis), emails)
                    .update();
        }
    }

    /** Deletes an organization's buckets that no window counts any more. */
    void prune(String organizationId, long nowMillis) {
        for (SendWindow w : SendWindow.values()) {
            jdbc.sql("DELETE FROM send_counts WHERE organization_id = ? AND span_ms = ? AND bucket < ?")
                    .params(organizationId, (int) w.spanMillis(), w.oldestCountedAt(nowMillis))
                    .update();
        }
    }

    /** Sets an organization's plan and own limits. @return false when there is no such organization */
    boolean update(String organizationId, String plan, SendLimits own) {
        return jdbc.sql("UPDATE organizations SET plan = ?, limit_per_second = ?, limit_per_minute = ?,"
                                + " limit_per_hour = ?, limit_per_day = ? WHERE id = ?")
                        .params(plan, own.perSecond(), own.perMinute(), own.perHour(), own.perDay(), organizationId)
                        .update()
                > 0;
    }
}
