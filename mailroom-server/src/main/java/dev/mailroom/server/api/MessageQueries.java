package dev.mailroom.server.api;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.OutcomeStatuses;
import dev.mailroom.server.Role;
import dev.mailroom.server.UtcDay;
import dev.mailroom.server.api.MessageViews.ActivityView;
import dev.mailroom.server.api.MessageViews.MessageDetail;
import dev.mailroom.server.api.MessageViews.MessageSummary;
import dev.mailroom.server.api.MessageViews.Page;
import dev.mailroom.server.api.MessageViews.RecipientView;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;

/** Read-only queries behind the API; every one is scoped to the caller's organization. */
@Repository
@ConditionalOnRole(Role.API)
class MessageQueries {
    private static final TypeReference<Map<String, Object>> DETAILS = new TypeReference<>() {};
    /** The message's columns, read in both halves of {@link #find}'s statement. */
    private static final String MESSAGE_COLUMNS =
            "m.status, m.from_email, m.subject, m.provider, m.provider_message_id, m.attempts, m.send_at,"
                    + " m.submitted_at, m.created_at, m.updated_at";

    private final NamedParameterJdbcTemplate named;
    private final StatusDays statusDays;

    MessageQueries(@Qualifier(HistoryReads.JDBC) JdbcTemplate jdbc) {
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.statusDays = new StatusDays(named);
    }

    /**
     * The message row, its recipients (with their current statuses) and its timeline are read in ONE
     * statement: a statement sees one committed state on PostgreSQL and H2 alike, while two statements do
     * not on H2, even in a REPEATABLE READ transaction (rows inserted since are visible to the second). Read
     * apart, a DISPATCHED activity could show beside a message row read before that dispatch was recorded,
     * its provider still null, or a recipient BOUNCED without the BOUNCED activity that made it so. The
     * statement is a UNION ALL of the recipient rows and the activity rows (not a join of both, which would
     * multiply them); the NULL columns of each half are cast so that PostgreSQL can type the union. The
     * content and tags never change once stored.
     */
    @Transactional(transactionManager = HistoryReads.TRANSACTIONS, readOnly = true)
    Optional<MessageDetail> find(String organizationId, UUID id) {
        MapSqlParameterSource params = new MapSqlParameterSource("id", id).addValue("org", organizationId);
        MessageDetail[] row = new MessageDetail[1];
        List<ActivityView> activities = new ArrayList<>();
        List<RecipientView> recipients = new ArrayList<>();
        named.query(
                "SELECT 'a' AS part, " + MESSAGE_COLUMNS
                        + ", CAST(NULL AS INT) AS position, CAST(NULL AS VARCHAR(3)) AS kind,"
                        + " CAST(NULL AS VARCHAR(320)) AS email, CAST(NULL AS VARCHAR(256)) AS name,"
                        + " CAST(NULL AS VARCHAR(128)) AS member_id, CAST(NULL AS VARCHAR(16)) AS recipient_status,"
                        + " a.status AS activity_status, a.occurred_at, a.recorded_at, a.recipient,"
                        + " a.provider AS activity_provider, a.provider_event, a.details, a.trace_id"
                        + " FROM messages m LEFT JOIN activities a ON a.message_id = m.id"
                        + " WHERE m.id = :id AND m.organization_id = :org"
                        + " UNION ALL"
                        + " SELECT 'r' AS part, " + MESSAGE_COLUMNS
                        + ", r.position, r.kind, r.email, r.name, r.member_id, r.status AS recipient_status,"
                        + " CAST(NULL AS VARCHAR(16)), CAST(NULL AS TIMESTAMP WITH TIME ZONE),"
                        + " CAST(NULL AS TIMESTAMP WITH TIME ZONE), CAST(NULL AS VARCHAR(320)), CAST(NULL AS VARCHAR(32)),"
                        + " CAST(NULL AS VARCHAR(64)), CAST(NULL AS TEXT), CAST(NULL AS VARCHAR(32))"
                        + " FROM messages m JOIN message_recipients r ON r.message_id = m.id"
                        + " WHERE m.id = :id AND m.organization_id = :org"
                        + " ORDER BY part, position, occurred_at, recorded_at",
                params,
                rs -> {
                    if (row[0] == null) {
                        row[0] = new MessageDetail(
                                id,
                                rs.getString("status"),
                                rs.getString("from_email"),
                                rs.getString("subject"),
                                null,
                                null,
                                null,
                                rs.getString("provider"),
                                rs.getString("provider_message_id"),
                                rs.getInt("attempts"),
                                instant(rs, "send_at"),
                                instant(rs, "submitted_at"),
                                instant(rs, "created_at"),
                                instant(rs, "updated_at"),
                                null,
                                null);
                    }
                    if ("r".equals(rs.getString("part"))) {
                        String own = rs.getString("recipient_status");
                        recipients.add(new RecipientView(
                                rs.getString("kind"),
                                rs.getString("email"),
                                rs.getString("name"),
                                rs.getString("member_id"),
                                own != null ? own : rs.getString("status"),
                                null));
                    } else if (rs.getString("activity_status") != null) {
                        activities.add(new ActivityView(
                                rs.getString("activity_status"),
                                instant(rs, "occurred_at"),
                                rs.getString("recipient"),
                                rs.getString("activity_provider"),
                                rs.getString("provider_event"),
                                details(rs.getString("details")),
                                rs.getString("trace_id")));
                    }
                });
        if (row[0] == null) {
            return Optional.empty();
        }
        MessageDetail m = row[0];
        List<String> content =
                named.queryForList("SELECT content FROM message_contents WHERE message_id = :id", params, String.class);
        List<String> tags;
        Map<String, String> metadata;
        if (content.isEmpty()) {
            // Past the organization's content retention: the tags are kept with the history, the metadata went
            // with the content.
            tags = named.queryForList(
                    "SELECT tag FROM message_tags WHERE message_id = :id ORDER BY tag", params, String.class);
            metadata = Map.of();
        } else {
            Email email = ContractJson.read(content.get(0).getBytes(StandardCharsets.UTF_8), Email.class);
            tags = email.tags();
            metadata = email.metadata();
        }
        List<ActivityView> timeline = inPipelineOrder(activities);
        return Optional.of(new MessageDetail(
                id,
                m.status(),
                m.from(),
                m.subject(),
                withTheirActivities(recipients, timeline),
                tags,
                metadata,
                m.provider(),
                m.providerMessageId(),
                m.attempts(),
                m.sendAt(),
                m.submittedAt(),
                m.createdAt(),
                m.updatedAt(),
                timeline,
                countsByStatus(recipients)));
    }

    /**
     * Each recipient with the activities that concern it: the message-wide ones (no recipient) and its own
     * (the activity's recipient equal to its address, both normalized as the operator compares them). The one
     * recipient of a message of one gets the whole timeline: its status is the message's, raised by all of it.
     */
    private static List<RecipientView> withTheirActivities(
            List<RecipientView> recipients, List<ActivityView> timeline) {
        if (recipients.size() == 1) {
            RecipientView only = recipients.get(0);
            return List.of(new RecipientView(
                    only.kind(), only.email(), only.name(), only.memberId(), only.status(), timeline));
        }
        return recipients.stream()
                .map(r -> {
                    String address = Address.normalize(r.email());
                    List<ActivityView> own = timeline.stream()
                            .filter(a -> a.recipient() == null
                                    || Address.normalize(a.recipient()).equals(address))
                            .toList();
                    return new RecipientView(r.kind(), r.email(), r.name(), r.memberId(), r.status(), own);
                })
                .toList();
    }

    /** How many recipients are at each status, in precedence order. */
    private static Map<String, Long> countsByStatus(List<RecipientView> recipients) {
        Map<String, Long> counts = new LinkedHashMap<>();
        recipients.stream()
                .map(r -> MessageStatus.valueOf(r.status()))
                .sorted(Comparator.comparingInt(MessageStatus::precedence))
                .forEach(status -> counts.merge(status.name(), 1L, Long::sum));
        return counts;
    }

    @Transactional(
            transactionManager = HistoryReads.TRANSACTIONS,
            readOnly = true,
            isolation = Isolation.REPEATABLE_READ)
    Page list(MessageFilter filter) {
        // The walk, newest first, starts from the narrowest index there is: a status few emails reach has its own
        // (message_outcomes, V25), a tag its own (tags_by_organization, V26); else the organization's emails
        // (messages_by_org_and_time). The order and the cursor are the driving index's columns, which hold the
        // message's created_at and id.
        boolean outcome = filter.status() != null && OutcomeStatuses.kept(filter.status());
        boolean tagged = !outcome && filter.tag() != null;
        // A status on the main path with nothing narrower to drive: the walk is limited to the days on which the
        // organization has emails at that status (StatusDays). A recipient's or member's filter drives by its own
        // index and reads few emails already.
        boolean byStatusDays = filter.status() != null
                && !outcome
                && !tagged
                && filter.recipient() == null
                && filter.memberId() == null;
        String driver = outcome ? "o" : tagged ? "t" : "m";
        String at = driver + ".created_at";
        String id = outcome || tagged ? driver + ".message_id" : "m.id";
        StringBuilder sql = new StringBuilder(
                "SELECT m.id, m.status, m.from_email, m.subject, m.provider, m.created_at, m.updated_at");
        if (outcome) {
            sql.append(" FROM message_outcomes o JOIN messages m ON m.id = o.message_id"
                    + " WHERE o.organization_id = :org AND o.status = :status AND");
        } else if (tagged) {
            sql.append(" FROM message_tags t JOIN messages m ON m.id = t.message_id"
                    + " WHERE t.organization_id = :org AND t.tag = :tag AND");
        } else {
            sql.append(" FROM messages m WHERE");
        }
        sql.append(" m.organization_id = :org");
        MapSqlParameterSource params = new MapSqlParameterSource("org", filter.organizationId());
        if (filter.recipient() != null) {
            sql.append(
                    " AND EXISTS (SELECT 1 FROM message_recipients r WHERE r.message_id = m.id AND r.email = :recipient)");
            params.addValue("recipient", filter.recipient());
        }
        if (filter.memberId() != null) {
            sql.append(" AND EXISTS (SELECT 1 FROM message_recipients r WHERE r.message_id = m.id"
                    + " AND r.organization_id = :org AND r.member_id = :member)");
            params.addValue("member", filter.memberId());
        }
        if (filter.status() != null) {
            sql.append(" AND m.status = :status");
            params.addValue("status", filter.status().name());
        }
        if (!filter.recipientStatuses().isEmpty()) {
            // A recipient's current status is its own where it has one (a message of several recipients), else
            // the message's: a message of one recipient (most mail) is decided on its row alone, without a look at
            // its recipients. PostgreSQL walks the organization's messages newest first (messages_by_org_and_time,
            // as without this filter) and probes only the several-recipient ones' recipients, by primary key,
            // until the page is full; nothing is aggregated over the organization's recipients. A status no
            // message has walks all of them: narrow such searches with since/until.
            sql.append(" AND (m.recipient_count = 1 AND m.status IN (:recipientStatuses) OR m.recipient_count > 1"
                    + " AND EXISTS (SELECT 1 FROM message_recipients rs WHERE rs.message_id = m.id"
                    + " AND COALESCE(rs.status, m.status) IN (:recipientStatuses)))");
            params.addValue(
                    "recipientStatuses",
                    filter.recipientStatuses().stream().map(Enum::name).toList());
        }
        if (filter.tag() != null) {
            if (!tagged) {
                sql.append(" AND EXISTS (SELECT 1 FROM message_tags t WHERE t.message_id = m.id AND t.tag = :tag)");
            }
            params.addValue("tag", filter.tag());
        }
        if (filter.since() != null) {
            sql.append(" AND " + at + " >= :since");
            params.addValue("since", utc(filter.since()));
        }
        if (filter.until() != null) {
            sql.append(" AND " + at + " < :until");
            params.addValue("until", utc(filter.until()));
        }
        if (filter.after() != null) {
            sql.append(" AND (" + at + " < :afterAt OR (" + at + " = :afterAt AND " + id + " < :afterId))");
            params.addValue("afterAt", utc(filter.after().createdAt()))
                    .addValue("afterId", filter.after().id());
        }
        String order = " ORDER BY " + at + " DESC, " + id + " DESC LIMIT :limit";
        RowMapper<MessageSummary> summary = (rs, i) -> new MessageSummary(
                rs.getObject("id", UUID.class),
                rs.getString("status"),
                rs.getString("from_email"),
                rs.getString("subject"),
                null,
                null,
                rs.getString("provider"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
        List<MessageSummary> rows;
        if (byStatusDays) {
            rows = onStatusDays(filter, sql.toString(), order, params, summary);
        } else {
            params.addValue("limit", filter.limit() + 1);
            rows = named.query(sql + order, params, summary);
        }
        boolean more = rows.size() > filter.limit();
        List<MessageSummary> page = more ? rows.subList(0, filter.limit()) : rows;
        List<UUID> ids = page.stream().map(MessageSummary::id).toList();
        Map<UUID, List<RecipientView>> recipients = recipientsOf(ids);
        Map<UUID, List<String>> tags = tagsOf(ids);
        List<MessageSummary> items = page.stream()
                .map(m -> new MessageSummary(
                        m.id(),
                        m.status(),
                        m.from(),
                        m.subject(),
                        recipients.getOrDefault(m.id(), List.of()),
                        tags.getOrDefault(m.id(), List.of()),
                        m.provider(),
                        m.createdAt(),
                        m.updatedAt()))
                .toList();
        String next = more
                ? new PageCursor(
                                page.get(page.size() - 1).createdAt(),
                                page.get(page.size() - 1).id())
                        .encode()
                : null;
        return new Page(items, next);
    }

    /**
     * The page's rows (and one more, if there is one) from the days on which the organization has emails at the
     * filter's status, newest first: each run of such days is one walk of the organization's time index, until the
     * page is full. The days are bounded by {@code since}, {@code until} and the cursor, as the rows are.
     */
    private List<MessageSummary> onStatusDays(
            MessageFilter filter,
            String where,
            String order,
            MapSqlParameterSource params,
            RowMapper<MessageSummary> summary) {
        LocalDate first = filter.since() == null ? null : UtcDay.of(filter.since());
        LocalDate last = earlier(
                filter.until() == null ? null : UtcDay.of(filter.until().minusNanos(1)),
                filter.after() == null ? null : UtcDay.of(filter.after().createdAt()));
        List<MessageSummary> rows = new ArrayList<>();
        for (StatusDays.Range range : statusDays.newestFirst(filter.organizationId(), filter.status(), first, last)) {
            params.addValue("daysFrom", utc(range.from()))
                    .addValue("daysTo", utc(range.to()))
                    .addValue("limit", filter.limit() + 1 - rows.size());
            rows.addAll(named.query(
                    where + " AND m.created_at >= :daysFrom AND m.created_at < :daysTo" + order, params, summary));
            if (rows.size() > filter.limit()) {
                break;
            }
        }
        return rows;
    }

    private static LocalDate earlier(LocalDate a, LocalDate b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private Map<UUID, List<RecipientView>> recipientsOf(List<UUID> ids) {
        Map<UUID, List<RecipientView>> byMessage = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return byMessage;
        }
        named.query(
                "SELECT r.message_id, r.kind, r.email, r.name, r.member_id, COALESCE(r.status, m.status) AS status"
                        + " FROM message_recipients r JOIN messages m ON m.id = r.message_id WHERE r.message_id IN (:ids)"
                        + " ORDER BY r.message_id, r.position",
                new MapSqlParameterSource("ids", ids),
                rs -> {
                    byMessage
                            .computeIfAbsent(rs.getObject("message_id", UUID.class), k -> new ArrayList<>())
                            .add(new RecipientView(
                                    rs.getString("kind"),
                                    rs.getString("email"),
                                    rs.getString("name"),
                                    rs.getString("member_id"),
                                    rs.getString("status"),
                                    null));
                });
        return byMessage;
    }

    private Map<UUID, List<String>> tagsOf(List<UUID> ids) {
        Map<UUID, List<String>> byMessage = new HashMap<>();
        if (ids.isEmpty()) {
            return byMessage;
        }
        named.query(
                "SELECT message_id, tag FROM message_tags WHERE message_id IN (:ids) ORDER BY tag",
                new MapSqlParameterSource("ids", ids),
                rs -> {
                    byMessage
                            .computeIfAbsent(rs.getObject("message_id", UUID.class), k -> new ArrayList<>())
                            .add(rs.getString("tag"));
                });
        return byMessage;
    }

    private static List<ActivityView> inPipelineOrder(List<ActivityView> activities) {
        // recorded_at (in the query) breaks ties between events of the same instant in the order they arrived;
        // ACCEPTED and SCHEDULED are recorded at the same instant: pipeline order.
        return activities.stream()
                .sorted(Comparator.comparing(ActivityView::occurredAt)
                        .thenComparing(a -> MessageStatus.valueOf(a.status()).precedence()))
                .toList();
    }

    private static Map<String, Object> details(String json) {
        return json == null ? null : ContractJson.mapper().readValue(json, DETAILS);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
