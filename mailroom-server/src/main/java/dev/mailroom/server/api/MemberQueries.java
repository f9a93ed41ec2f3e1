package dev.mailroom.server.api;

import dev.mailroom.contracts.ErasureRequest;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LikePattern;
import dev.mailroom.server.Role;
import dev.mailroom.server.api.MemberViews.LastMessage;
import dev.mailroom.server.api.MemberViews.MemberPage;
import dev.mailroom.server.api.MemberViews.MemberSummary;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Read-only queries for members: the {@code member_id}s of the organization's recipients. A page of members comes
 * from the read model the operator keeps ({@code members}, newest email first; {@code member_search_terms});
 * what is shown of each (addresses, counts, statuses, newest email) is computed from the recipients, for that page
 * only. Every query is scoped by {@code organization_id}, so member ids that two organizations share never mix.
 */
@Repository
@ConditionalOnRole(Role.API)
class MemberQueries {
    /** Recipient rows of this organization's messages that name a member. */
    private static final String MEMBER_ROWS = " FROM message_recipients r JOIN messages m ON m.id = r.message_id"
            + " WHERE r.organization_id = :org AND r.member_id IS NOT NULL";

    /**
     * Recipient rows a page's one pass reads at most (a page of 50 members averaging 200 emails each): a member with a
     * longer history is summed up by the database instead, so what the API holds for a page is bounded whatever a
     * member's history.
     */
    static final int ROWS_PER_PAGE = 10_000;

    private final NamedParameterJdbcTemplate named;
    private final int rowsPerPage;

    @Autowired
    MemberQueries(@Qualifier(HistoryReads.JDBC) JdbcTemplate jdbc) {
        this(jdbc, ROWS_PER_PAGE);
    }

    MemberQueries(JdbcTemplate jdbc, int rowsPerPage) {
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.rowsPerPage = rowsPerPage;
    }

    /**
     * Members with the most recent email first. {@code memberId} is an exact id; {@code search}
     * matches a part of the member id, of any address they were sent to, or of any name they
     * were given, ignoring case. Null means no filter.
     */
    @Transactional(
            transactionManager = HistoryReads.TRANSACTIONS,
            readOnly = true,
            isolation = Isolation.REPEATABLE_READ)
    MemberPage list(String organizationId, String memberId, String search, int limit, MemberCursor after) {
        MapSqlParameterSource params = new MapSqlParameterSource("org", organizationId);
        StringBuilder sql = new StringBuilder(
                "SELECT mb.member_id, mb.last_message_at FROM members mb WHERE mb.organization_id = :org");
        if (memberId != null) {
            sql.append(" AND mb.member_id = :member");
            params.addValue("member", memberId);
        }
        if (search != null) {
            // The member's id is one of their terms (V23): one index (PostgreSQL's trigrams, V24) finds them all.
            sql.append(" AND mb.member_id IN (SELECT t.member_id FROM member_search_terms t"
                    + " WHERE t.organization_id = :org AND t.term LIKE :pattern ESCAPE '\\')");
            params.addValue("pattern", LikePattern.containing(search.toLowerCase(Locale.ROOT)));
        }
        if (after != null) {
            // The first condition lets the index start at the cursor; the second breaks the tie by member id.
            sql.append(" AND mb.last_message_at <= :afterAt"
                    + " AND (mb.last_message_at < :afterAt OR mb.member_id > :afterId)");
            params.addValue("afterAt", utc(after.lastMessageAt())).addValue("afterId", after.memberId());
        }
        sql.append(" ORDER BY mb.last_message_at DESC, mb.member_id LIMIT :limit");
        params.addValue("limit", limit + 1);
        List<Row> rows = named.query(
                sql.toString(), params, (rs, i) -> new Row(rs.getString("member_id"), instant(rs, "last_message_at")));

        boolean more = rows.size() > limit;
        List<Row> page = more ? rows.subList(0, limit) : rows;
        String next = more
                ? new MemberCursor(
                                page.get(page.size() - 1).lastAt(),
                                page.get(page.size() - 1).memberId())
                        .encode()
                : null;
        return new MemberPage(summaries(organizationId, page), next);
    }

    /** One member, or empty when no email of the organization names them. */
    @Transactional(
            transactionManager = HistoryReads.TRANSACTIONS,
            readOnly = true,
            isolation = Isolation.REPEATABLE_READ)
    Optional<MemberSummary> find(String organizationId, String memberId) {
        List<Row> rows = named.query(
                "SELECT last_message_at FROM members WHERE organization_id = :org AND member_id = :member",
                new MapSqlParameterSource("org", organizationId).addValue("member", memberId),
                (rs, i) -> new Row(memberId, instant(rs, "last_message_at")));
        return summaries(organizationId, rows).stream().findFirst();
    }

    private record Row(String memberId, Instant lastAt) {}

    /**
     * Adds addresses, email counts, status counts and the newest email to a page of members, from one pass over the
     * page's recipient rows, newest email first (four aggregate queries over the same rows cost four times the
     * reads: report 20261207-085114). The pass reads at most {@link #rowsPerPage} rows; members it did not read to the
     * end are summed up by aggregate queries instead ({@link #aggregated}).
     */
    private List<MemberSummary> summaries(String organizationId, List<Row> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<String> ids = rows.stream().map(Row::memberId).toList();
        MapSqlParameterSource params = new MapSqlParameterSource("org", organizationId)
                .addValue("members", ids)
                .addValue("rows", rowsPerPage + 1);
        Map<String, Summarized> byMember = new LinkedHashMap<>();
        int[] read = {0};
        String lastRead = named.query(
                "SELECT r.member_id, m.id, m.subject, COALESCE(r.status, m.status) AS status, m.created_at, r.email,"
                        + " r.name" + MEMBER_ROWS + " AND r.member_id IN (:members)"
                        + " ORDER BY r.member_id, m.created_at DESC, m.id DESC, r.position LIMIT :rows",
                params,
                rs -> {
                    String member = null;
                    while (rs.next()) {
                        read[0]++;
                        member = rs.getString("member_id");
                        ((MemberEmails) byMember.computeIfAbsent(member, k -> new MemberEmails()))
                                .add(
                                        rs.getObject("id", UUID.class),
                                        rs.getString("subject"),
                                        rs.getString("status"),
                                        instant(rs, "created_at"),
                                        rs.getString("email"),
                                        rs.getString("name"));
                    }
                    return member;
                });
        if (read[0] > rowsPerPage) {
            // The rows come member by member: the last member read may have more, and the ones after it none read.
            byMember.remove(lastRead);
            List<String> unfinished =
                    ids.stream().filter(id -> !byMember.containsKey(id)).toList();
            byMember.putAll(aggregated(organizationId, unfinished));
        }
        return rows.stream()
                .map(row -> byMember.getOrDefault(row.memberId(), new MemberEmails())
                        .summary(row.memberId(), row.lastAt()))
                .toList();
    }

    /**
     * Members with long histories, summed up by the database: three aggregates over their recipient rows, and their
     * newest email one member at a time. The rows are read by the database, never held by the API.
     */
    private Map<String, Summarized> aggregated(String organizationId, List<String> members) {
        Map<String, MemberTotals> totals = new HashMap<>();
        if (members.isEmpty()) {
            return Map.of();
        }
        MapSqlParameterSource params = new MapSqlParameterSource("org", organizationId).addValue("members", members);
        named.query(
                "SELECT r.member_id, COUNT(DISTINCT r.message_id) AS emails FROM message_recipients r"
                        + " WHERE r.organization_id = :org AND r.member_id IN (:members) GROUP BY r.member_id",
                params,
                rs -> {
                    totals.computeIfAbsent(rs.getString("member_id"), k -> new MemberTotals()).messages =
                            rs.getLong("emails");
                });
        named.query(
                "SELECT r.member_id, COALESCE(r.status, m.status) AS status, COUNT(DISTINCT m.id) AS emails"
                        + MEMBER_ROWS + " AND r.member_id IN (:members)"
                        + " GROUP BY r.member_id, COALESCE(r.status, m.status)",
                params,
                rs -> {
                    totals.computeIfAbsent(rs.getString("member_id"), k -> new MemberTotals())
                            .counts
                            .put(MessageStatus.valueOf(rs.getString("status")), rs.getLong("emails"));
                });
        named.query(
                "SELECT r.member_id, r.email, MAX(m.created_at) AS newest" + MEMBER_ROWS
                        + " AND r.member_id IN (:members) GROUP BY r.member_id, r.email",
                params,
                rs -> {
                    String email = rs.getString("email");
                    if (!ErasureRequest.ERASED_ADDRESS.equals(email)) {
                        totals.computeIfAbsent(rs.getString("member_id"), k -> new MemberTotals())
                                .addresses
                                .put(email, instant(rs, "newest"));
                    }
                });
        totals.forEach((member, t) -> named.query(
                "SELECT m.id, m.subject, COALESCE(r.status, m.status) AS status, m.created_at, r.name" + MEMBER_ROWS
                        + " AND r.member_id = :member ORDER BY m.created_at DESC, m.id DESC, r.position LIMIT 1",
                new MapSqlParameterSource("org", organizationId).addValue("member", member),
                rs -> {
                    t.latest = new LastMessage(
                            rs.getObject("id", UUID.class),
                            rs.getString("subject"),
                            rs.getString("status"),
                            instant(rs, "created_at"));
                    t.name = rs.getString("name");
                }));
        return new HashMap<>(totals);
    }

    /** What a member's row shows, from whichever way their recipient rows were read. */
    private interface Summarized {
        MemberSummary summary(String memberId, Instant lastAt);
    }

    /**
     * One member's recipient rows, added newest email first: the first row is their newest email (whose name and
     * status are the member's), addresses are listed by the newest email that used them.
     */
    private static final class MemberEmails implements Summarized {
        private final Set<UUID> messages = new HashSet<>();
        // Counted by the member's own status in each email (the recipient's, which for an email of one recipient
        // is the message's), not the message's summary: a member whose address bounced in an email that others
        // received counts a BOUNCED. An email naming the member at two addresses of different statuses counts
        // under both.
        private final Map<MessageStatus, Set<UUID>> byStatus = new EnumMap<>(MessageStatus.class);
        private final Map<String, Instant> addresses = new LinkedHashMap<>();
        private LastMessage latest;
        private String name;

        void add(UUID id, String subject, String status, Instant createdAt, String email, String givenName) {
            if (latest == null) {
                latest = new LastMessage(id, subject, status, createdAt);
                name = givenName;
            }
            messages.add(id);
            byStatus.computeIfAbsent(MessageStatus.valueOf(status), k -> new HashSet<>())
                    .add(id);
            // An erased address of a member who was also sent to at others: the email still counts, the placeholder
            // is nobody's address.
            if (!ErasureRequest.ERASED_ADDRESS.equals(email)) {
                addresses.putIfAbsent(email, createdAt);
            }
        }

        @Override
        public MemberSummary summary(String memberId, Instant lastAt) {
            Map<MessageStatus, Long> counts = new EnumMap<>(MessageStatus.class);
            byStatus.forEach((status, ids) -> counts.put(status, (long) ids.size()));
            return MemberTotals.summary(memberId, name, addresses, messages.size(), lastAt, counts, latest);
        }
    }

    /** One member's figures as the database summed them up ({@link #aggregated}), the same as {@link MemberEmails}'. */
    private static final class MemberTotals implements Summarized {
        private long messages;
        private final Map<MessageStatus, Long> counts = new EnumMap<>(MessageStatus.class);
        private final Map<String, Instant> addresses = new HashMap<>();
        private LastMessage latest;
        private String name;

        @Override
        public MemberSummary summary(String memberId, Instant lastAt) {
            return summary(memberId, name, addresses, messages, lastAt, counts, latest);
        }

        /** Addresses newest first (by the newest email that used each), then by address. */
        static MemberSummary summary(
                String memberId,
                String name,
                Map<String, Instant> addresses,
                long messages,
                Instant lastAt,
                Map<MessageStatus, Long> counts,
                LastMessage latest) {
            List<String> emails = addresses.entrySet().stream()
                    .sorted(Map.Entry.<String, Instant>comparingByValue(Comparator.reverseOrder())
                            .thenComparing(Map.Entry.comparingByKey()))
                    .map(Map.Entry::getKey)
                    .toList();
            return new MemberSummary(memberId, name, emails, messages, lastAt, inPrecedenceOrder(counts), latest);
        }
    }

    private static Map<String, Long> inPrecedenceOrder(Map<MessageStatus, Long> counts) {
        Map<String, Long> ordered = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparingInt(MessageStatus::precedence)))
                .forEach(e -> ordered.put(e.getKey().name(), e.getValue()));
        return ordered;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
