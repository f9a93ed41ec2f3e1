package dev.mailroom.server.operator;

import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.UtcDay;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The SQL of retention: which emails and members are past an organization's retention, and deleting them. Callers
 * own the transactions: one per batch.
 *
 * <p>An email is past a cutoff only once the pipeline is done with it: it was handed to a provider or ended (status
 * DISPATCHED or beyond: delivered, bounced, failed, suppressed, canceled…), nothing is due for it (no scheduled send,
 * no retry, no outbox entry: {@code next_attempt_at} is NULL), a provider's deferral could no longer plan a retry
 * (submitted longer ago than {@code mailroom.operator.max-retry-age}), and both its recording and its {@code sendAt}
 * are older than the cutoff. Those conditions are checked again under the email's row lock, the lock every writer of
 * an email takes (the releaser, the tracking consumer, an admin's retry), so an email that becomes due while a batch
 * is chosen is not touched.
 */
@Repository
@ConditionalOnRole(Role.OPERATOR)
class RetentionStore {
    /** Checked under the lock, with :cutoff and :retryHorizon. */
    private static final String PIPELINE_DONE = " next_attempt_at IS NULL AND status_rank >= "
            + MessageStatus.DISPATCHED.precedence()
            + " AND submitted_at < :retryHorizon AND created_at < :cutoff AND (send_at IS NULL OR send_at < :cutoff)";

    /**
     * The email's rows that go with it, by table, children first; each statement spelled out so that ArchitectureTest
     * sees the tables written. Every table that names an email by its id is here (activities have no foreign key: a
     * provider's event recorded after its email went stays unmatched, as one about an unknown email does).
     */
    private static final Map<String, String> EMAIL_ROWS = orderedOf(
            "activities", "DELETE FROM activities WHERE message_id IN (:ids)",
            "message_recipients", "DELETE FROM message_recipients WHERE message_id IN (:ids)",
            "message_tags", "DELETE FROM message_tags WHERE message_id IN (:ids)",
            "message_contents", "DELETE FROM message_contents WHERE message_id IN (:ids)",
            "idempotency_keys", "DELETE FROM idempotency_keys WHERE message_id IN (:ids) AND organization_id = :org",
            "message_outcomes", "DELETE FROM message_outcomes WHERE message_id IN (:ids)",
            "messages", "DELETE FROM messages WHERE id IN (:ids) AND organization_id = :org");

    private static Map<String, String> orderedOf(String... tablesAndStatements) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < tablesAndStatements.length; i += 2) {
            map.put(tablesAndStatements[i], tablesAndStatements[i + 1]);
        }
        return map;
    }

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;

    RetentionStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
    }

    record Organization(String id, int contentDays, int historyDays) {}

    /** An email's place in an organization's time order (the index {@code messages_by_org_and_time}). */
    record EmailKey(Instant createdAt, UUID id) {}

    /** A member's place in the member list's order (the index {@code members_by_recency}). */
    record MemberKey(Instant lastMessageAt, String memberId) {}

    List<Organization> organizations() {
        return jdbc.query(
                "SELECT id, content_retention_days, history_retention_days FROM organizations ORDER BY id",
                (rs, n) -> new Organization(rs.getString(1), rs.getInt(2), rs.getInt(3)));
    }

    /**
     * The next emails of an organization recorded before {@code before}, after {@code after} (null: from its first),
     * in time order. Only the index is read for the order; whether each may go is decided under its lock.
     */
    List<EmailKey> emailsRecordedBefore(
            String organizationId, Instant from, Instant before, EmailKey after, int limit) {
        MapSqlParameterSource params = new MapSqlParameterSource("org", organizationId)
                .addValue("before", Timestamps.of(before))
                .addValue("limit", limit);
        StringBuilder sql = new StringBuilder(
                "SELECT id, created_at FROM messages WHERE organization_id = :org AND created_at < :before");
        if (after != null) {
            sql.append(" AND (created_at > :afterAt OR (created_at = :afterAt AND id > :afterId))");
            params.addValue("afterAt", Timestamps.of(after.createdAt())).addValue("afterId", after.id());
        } else if (from != null) {
            sql.append(" AND created_at >= :from");
            params.addValue("from", Timestamps.of(from));
        }
        sql.append(" ORDER BY created_at, id LIMIT :limit");
        return named.query(
                sql.toString(),
                params,
                (rs, n) -> new EmailKey(
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(), rs.getObject("id", UUID.class)));
    }

    /** The days before {@code before} after {@code after} (null: from the first) on which the overview counts emails. */
    List<LocalDate> countedDaysBefore(String organizationId, LocalDate before, LocalDate after, int limit) {
        MapSqlParameterSource params = new MapSqlParameterSource("org", organizationId)
                .addValue("before", before)
                .addValue("after", after)
                .addValue("limit", limit);
        return named.queryForList(
                "SELECT DISTINCT created_on FROM overview_counts WHERE organization_id = :org AND created_on < :before"
                        + (after == null ? "" : " AND created_on > :after")
                        + " ORDER BY created_on LIMIT :limit",
                params,
                LocalDate.class);
    }

    /** Whether any email of the organization stored on that UTC day is left. */
    boolean anyEmailStoredOn(String organizationId, LocalDate day) {
        MapSqlParameterSource params = new MapSqlParameterSource("org", organizationId)
                .addValue("from", Timestamps.of(UtcDay.startOf(day)))
                .addValue("to", Timestamps.of(UtcDay.startOf(day.plusDays(1))));
        return !named.queryForList(
                        "SELECT id FROM messages WHERE organization_id = :org AND created_at >= :from"
                                + " AND created_at < :to LIMIT 1",
                        params,
                        UUID.class)
                .isEmpty();
    }

    /** Deletes the overview's counts of those days. */
    int deleteCountsOf(String organizationId, List<LocalDate> days) {
        return named.update(
                "DELETE FROM overview_counts WHERE organization_id = :org AND created_on IN (:days)",
                new MapSqlParameterSource("org", organizationId).addValue("days", days));
    }

    /**
     * Locks those of the emails the pipeline is done with (see the class comment), in id order like every writer of
     * several emails; emails another transaction holds are skipped, for the next run.
     */
    List<UUID> lockDone(List<UUID> ids, Instant cutoff, Instant retryHorizon) {
        return lockDone(ids, cutoff, retryHorizon, "");
    }

    /** As {@link #lockDone(List, Instant, Instant)}, only those that still have their content. */
    List<UUID> lockDoneWithContent(List<UUID> ids, Instant cutoff, Instant retryHorizon) {
        return lockDone(
                ids,
                cutoff,
                retryHorizon,
                " AND EXISTS (SELECT 1 FROM message_contents c WHERE c.message_id = messages.id)");
    }

    private List<UUID> lockDone(List<UUID> ids, Instant cutoff, Instant retryHorizon, String andAlso) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return named.queryForList(
                "SELECT id FROM messages WHERE id IN (:ids) AND" + PIPELINE_DONE + andAlso
                        + " ORDER BY id FOR UPDATE SKIP LOCKED",
                new MapSqlParameterSource("ids", ids)
                        .addValue("cutoff", Timestamps.of(cutoff))
                        .addValue("retryHorizon", Timestamps.of(retryHorizon)),
                UUID.class);
    }

    /** Deletes the content (bodies, attachments, metadata) of locked emails. */
    int deleteContents(List<UUID> locked) {
        if (locked.isEmpty()) {
            return 0;
        }
        return named.update(
                "DELETE FROM message_contents WHERE message_id IN (:ids)", new MapSqlParameterSource("ids", locked));
    }

    /** Those of the emails that still have their content. */
    List<UUID> withContent(List<UUID> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return named.queryForList(
                "SELECT message_id FROM message_contents WHERE message_id IN (:ids)",
                new MapSqlParameterSource("ids", ids),
                UUID.class);
    }

    /** Deletes locked emails of the organization with every row about them; rows deleted per table. */
    Map<String, Integer> deleteEmails(String organizationId, List<UUID> locked) {
        Map<String, Integer> deleted = new LinkedHashMap<>();
        if (locked.isEmpty()) {
            return deleted;
        }
        MapSqlParameterSource ids = new MapSqlParameterSource("ids", locked).addValue("org", organizationId);
        EMAIL_ROWS.forEach((table, statement) -> deleted.put(table, named.update(statement, ids)));
        return deleted;
    }

    /** Where the organization's content expiry got to: every email recorded before it was looked at. */
    Optional<Instant> contentExpiredBefore(String organizationId) {
        return jdbc
                .query(
                        "SELECT content_expired_before FROM retention_progress WHERE organization_id = ?",
                        (rs, n) -> rs.getObject(1, OffsetDateTime.class).toInstant(),
                        organizationId)
                .stream()
                .findFirst();
    }

    /** Moves the organization's content expiry on to {@code before}, never back (two operators may run at once). */
    void contentExpiredBefore(String organizationId, Instant before, Instant now) {
        jdbc.update(
                "INSERT INTO retention_progress (organization_id, content_expired_before, updated_at) VALUES (?,?,?)"
                        + " ON CONFLICT DO NOTHING",
                organizationId,
                Timestamps.of(before),
                Timestamps.of(now));
        jdbc.update(
                "UPDATE retention_progress SET content_expired_before = ?, updated_at = ? WHERE organization_id = ?"
                        + " AND content_expired_before < ?",
                Timestamps.of(before),
                Timestamps.of(now),
                organizationId,
                Timestamps.of(before));
    }

    /** The next members of an organization whose newest email was recorded before {@code before}, in list order. */
    List<MemberKey> membersLastSentBefore(String organizationId, Instant before, MemberKey after, int limit) {
        MapSqlParameterSource params = new MapSqlParameterSource("org", organizationId)
                .addValue("before", Timestamps.of(before))
                .addValue("limit", limit);
        StringBuilder sql = new StringBuilder("SELECT member_id, last_message_at FROM members"
                + " WHERE organization_id = :org AND last_message_at < :before");
        if (after != null) {
            sql.append(" AND (last_message_at < :afterAt OR (last_message_at = :afterAt AND member_id > :afterId))");
            params.addValue("afterAt", Timestamps.of(after.lastMessageAt())).addValue("afterId", after.memberId());
        }
        sql.append(" ORDER BY last_message_at DESC, member_id LIMIT :limit");
        return named.query(
                sql.toString(),
                params,
                (rs, n) -> new MemberKey(
                        rs.getObject("last_message_at", OffsetDateTime.class).toInstant(), rs.getString("member_id")));
    }

    /**
     * Deletes the members whose newest email is still older than the cutoff and who have no email left (one kept
     * because the pipeline still needed it keeps its member), then their search terms. The members are locked first,
     * in (organization, member) order as the intake writes them, skipping those another transaction holds (an email
     * naming them being stored, another operator's retention): those are for the next run. The DELETE checks the
     * conditions again, so a member an email named meanwhile stays.
     */
    Map<String, Integer> deleteMembers(String organizationId, List<String> memberIds, Instant cutoff) {
        Map<String, Integer> deleted = new LinkedHashMap<>();
        if (memberIds.isEmpty()) {
            return deleted;
        }
        MapSqlParameterSource params = new MapSqlParameterSource("org", organizationId)
                .addValue("ids", memberIds)
                .addValue("cutoff", Timestamps.of(cutoff));
        List<String> locked = named.queryForList(
                "SELECT member_id FROM members WHERE organization_id = :org AND member_id IN (:ids)"
                        + " AND last_message_at < :cutoff ORDER BY member_id FOR UPDATE SKIP LOCKED",
                params,
                String.class);
        if (locked.isEmpty()) {
            return deleted;
        }
        params.addValue("ids", locked);
        deleted.put(
                "members",
                named.update(
                        "DELETE FROM members WHERE organization_id = :org AND member_id IN (:ids)"
                                + " AND last_message_at < :cutoff AND NOT EXISTS (SELECT 1 FROM message_recipients r"
                                + " WHERE r.organization_id = members.organization_id"
                                + " AND r.member_id = members.member_id)",
                        params));
        deleted.put(
                "member_search_terms",
                named.update(
                        "DELETE FROM member_search_terms WHERE organization_id = :org AND member_id IN (:ids)"
                                + " AND NOT EXISTS (SELECT 1 FROM members mb WHERE mb.organization_id ="
                                + " member_search_terms.organization_id AND mb.member_id = member_search_terms.member_id)",
                        params));
        return deleted;
    }
}
