package dev.mailroom.server.notifier;

import dev.mailroom.server.BackgroundThread;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.ErasedData;
import dev.mailroom.server.ErasureProperties;
import dev.mailroom.server.LikePattern;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The notifier's part of an erasure: its delivery log is its own to write, so the operator, once it has erased the
 * history, leaves the erasure's work at stage {@code deliveries} and the notifier erases the address from the payloads
 * of the organization's webhook deliveries (the recipient becomes the erased placeholder, its name, member id and
 * details go: {@link ErasedData#json}) and from its attempts (an endpoint's answer may echo the payload: its excerpt
 * goes; an error text loses the address). Counted in {@code webhook_erasures}, batch by batch, in the transaction of
 * each batch; the operator reads that row to complete the erasure. Any notifier may do it; a batch first locks the
 * erasure's row there, so two never count one change twice. Runs on a thread of its own every
 * {@code mailroom.erasure.poll-interval}.
 */
@Component
@ConditionalOnRole(Role.NOTIFIER)
class DeliveryErasures extends BackgroundThread {
    private static final Logger log = LoggerFactory.getLogger(DeliveryErasures.class);
    private static final int BATCH = 200;

    private record Work(UUID erasureId, String organizationId, String email) {}

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration pollInterval;

    DeliveryErasures(
            @Qualifier(NotifierDatabase.POOL) JdbcTemplate jdbc,
            @Qualifier(NotifierDatabase.POOL) TransactionTemplate tx,
            Clock clock,
            ErasureProperties properties) {
        super("notifier-erasures");
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.tx = tx;
        this.clock = clock;
        this.pollInterval = properties.pollInterval();
    }

    /** Erases the delivery log of every erasure waiting for it. */
    void erasePending() {
        List<Work> pending = jdbc.query(
                "SELECT w.erasure_id, w.organization_id, w.email FROM erasure_work w WHERE w.stage = 'deliveries'"
                        + " AND NOT EXISTS (SELECT 1 FROM webhook_erasures e WHERE e.erasure_id = w.erasure_id"
                        + " AND e.completed_at IS NOT NULL) ORDER BY w.erasure_id",
                (rs, i) -> new Work(
                        rs.getObject("erasure_id", UUID.class),
                        rs.getString("organization_id"),
                        rs.getString("email")));
        for (Work work : pending) {
            erase(work);
        }
    }

    private void erase(Work work) {
        jdbc.update(
                "INSERT INTO webhook_erasures (erasure_id, deliveries, attempts) VALUES (?, 0, 0) ON CONFLICT DO NOTHING",
                work.erasureId());
        ErasedData erasing = ErasedData.of(work.email());
        String pattern = LikePattern.containing(erasing.address());
        UUID after = null;
        while (true) {
            // Read without locks; each batch locks what it changes and looks again.
            List<UUID> ids = after == null
                    ? jdbc.queryForList(
                            "SELECT id FROM webhook_deliveries WHERE organization_id = ? AND LOWER(payload) LIKE ?"
                                    + " ESCAPE '\\' ORDER BY id LIMIT ?",
                            UUID.class,
                            work.organizationId(),
                            pattern,
                            BATCH)
                    : jdbc.queryForList(
                            "SELECT id FROM webhook_deliveries WHERE organization_id = ? AND LOWER(payload) LIKE ?"
                                    + " ESCAPE '\\' AND id > ? ORDER BY id LIMIT ?",
                            UUID.class,
                            work.organizationId(),
                            pattern,
                            after,
                            BATCH);
            if (ids.isEmpty()) {
                break;
            }
            tx.executeWithoutResult(status -> eraseBatch(work, erasing, ids));
            after = ids.get(ids.size() - 1);
        }
        jdbc.update(
                "UPDATE webhook_erasures SET completed_at = ? WHERE erasure_id = ? AND completed_at IS NULL",
                OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC),
                work.erasureId());
    }

    private void eraseBatch(Work work, ErasedData erasing, List<UUID> ids) {
        jdbc.query(
                "SELECT erasure_id FROM webhook_erasures WHERE erasure_id = ? FOR UPDATE", rs -> {}, work.erasureId());
        Map<UUID, String> payloads = new LinkedHashMap<>();
        named.query(
                "SELECT id, payload FROM webhook_deliveries WHERE id IN (:ids) AND organization_id = :org"
                        + " ORDER BY id FOR UPDATE",
                new MapSqlParameterSource("ids", ids).addValue("org", work.organizationId()),
                rs -> {
                    payloads.put(rs.getObject("id", UUID.class), rs.getString("payload"));
                });
        List<Object[]> deliveries = new ArrayList<>();
        payloads.forEach((id, payload) -> {
            String erased = erasing.json(payload);
            if (!Objects.equals(erased, payload)) {
                deliveries.add(new Object[] {erased, id});
            }
        });
        int changedDeliveries =
                sum(jdbc.batchUpdate("UPDATE webhook_deliveries SET payload = ? WHERE id = ?", deliveries));
        List<Object[]> attempts = new ArrayList<>();
        if (!payloads.isEmpty()) {
            named.query(
                    "SELECT delivery_id, attempt, response_excerpt, error FROM webhook_attempts"
                            + " WHERE delivery_id IN (:ids)",
                    new MapSqlParameterSource("ids", payloads.keySet()),
                    rs -> {
                        String excerpt = rs.getString("response_excerpt");
                        String error = rs.getString("error");
                        String erasedError = erasing.text(error);
                        // An answer to a payload about the person may echo it, cut anywhere: it goes whole.
                        String erasedExcerpt = erasing.mentions(excerpt) ? null : excerpt;
                        if (!Objects.equals(excerpt, erasedExcerpt) || !Objects.equals(error, erasedError)) {
                            attempts.add(new Object[] {
                                erasedExcerpt,
                                erasedError,
                                rs.getObject("delivery_id", UUID.class),
                                rs.getInt("attempt")
                            });
                        }
                    });
        }
        int changedAttempts = sum(jdbc.batchUpdate(
                "UPDATE webhook_attempts SET response_excerpt = ?, error = ? WHERE delivery_id = ? AND attempt = ?",
                attempts));
        jdbc.update(
                "UPDATE webhook_erasures SET deliveries = deliveries + ?, attempts = attempts + ? WHERE erasure_id = ?",
                changedDeliveries,
                changedAttempts,
                work.erasureId());
    }

    private static int sum(int[] counts) {
        int n = 0;
        for (int c : counts) {
            n += c == java.sql.Statement.SUCCESS_NO_INFO ? 1 : Math.max(c, 0);
        }
        return n;
    }

    @Override
    protected void runUntilStopped() {
        while (running()) {
            try {
                erasePending();
            } catch (RuntimeException e) {
                log.warn("Erasing webhook deliveries failed, trying again in {}: {}", pollInterval, LogSafe.escape(e));
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
