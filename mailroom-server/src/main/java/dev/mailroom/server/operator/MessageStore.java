package dev.mailroom.server.operator;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The operator's writes to messages (with their contents, recipients and tags) and their activities,
 * all idempotent: inserts collide on deterministic keys ({@code ON CONFLICT DO NOTHING}) and status
 * updates only ever raise a message's status rank. Callers own the transactions; every method here
 * works in batches. Settings are in {@link SettingsStore}, dead letters in {@link DeadLetterStore}.
 */
@Repository
@ConditionalOnRole(Role.OPERATOR)
class MessageStore {
    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final MemberReadModel members;
    private final OverviewRollup overview;
    /**
     * An ACCEPTED message is due for dispatch this long after it was stored (default 5 min: longer than a
     * database outage, during which the intake holds its batch and records QUEUED afterwards), unless recording
     * QUEUED cleared the due time first. That is the outbox: if the operator died between its
     * commit and its publish, the releaser finds the message and queues it.
     */
    private final java.time.Duration stuckAfter;

    MessageStore(JdbcTemplate jdbc, dev.mailroom.server.MailroomProperties properties) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.members = new MemberReadModel(jdbc);
        this.overview = new OverviewRollup(jdbc);
        this.stuckAfter = properties.operator().requeueAcceptedAfter();
    }

    /** Stores new messages with their recipients, tags and first activity; known ids are skipped. */
    void insertSubmissions(List<SubmitMessage> submissions, Instant now) {
        insertSubmissions(submissions, Map.of(), now);
    }

    /**
     * Stores new messages; those with a hold (over their organization's send limit) are SCHEDULED for the hold's
     * end (or their own sendAt, if later), marked held, and their timeline says why.
     */
    List<ActivityReport> insertSubmissions(
            List<SubmitMessage> submissions, Map<UUID, SendLimitHolds.Hold> holds, Instant now) {
        List<Object[]> messages = new ArrayList<>();
        List<Object[]> contents = new ArrayList<>();
        List<Object[]> recipients = new ArrayList<>();
        List<Object[]> tags = new ArrayList<>();
        List<ActivityReport> activities = new ArrayList<>();
        // The email's trace, as the operator's span that recorded it: later hops and its activities refer to it.
        dev.mailroom.server.messaging.MessageTracing.Batch traces =
                dev.mailroom.server.messaging.MessageTracing.currentBatch();
        for (SubmitMessage s : submissions) {
            SendLimitHolds.Hold hold = holds.get(s.id());
            Instant sendAt = s.sendAt();
            if (hold != null && (sendAt == null || sendAt.isBefore(hold.until()))) {
                sendAt = hold.until();
            }
            boolean scheduled = sendAt != null && sendAt.isAfter(now);
            MessageStatus status = scheduled ? MessageStatus.SCHEDULED : MessageStatus.ACCEPTED;
            messages.add(new Object[] {
                s.id(),
                s.organizationId(),
                s.email().from().email(),
                s.email().subject(),
                s.provider(),
                status.name(),
                status.precedence(),
                Timestamps.of(scheduled ? sendAt : now.plus(stuckAfter)),
                Timestamps.of(s.sendAt()),
                hold != null,
                s.email().allRecipients().size(),
                Timestamps.of(s.submittedAt() == null ? now : s.submittedAt()),
                Timestamps.of(now),
                Timestamps.of(now),
                traces == null ? null : traces.traceParentOf(s.id())
            });
            contents.add(new Object[] {
                s.id(), new String(ContractJson.write(s.email()), java.nio.charset.StandardCharsets.UTF_8)
            });
            int position = 0;
            // A message of several recipients keeps each one's status too; of one, the message's is the recipient's.
            boolean several = s.email().allRecipients().size() > 1;
            for (String kind : List.of("to", "cc", "bcc")) {
                List<Recipient> list = switch (kind) {
                    case "to" -> s.email().to();
                    case "cc" -> s.email().cc();
                    default -> s.email().bcc();
                };
                for (Recipient r : list) {
                    recipients.add(new Object[] {
                        s.id(),
                        position++,
                        kind,
                        r.email(),
                        r.name(),
                        r.memberId(),
                        several ? status.name() : null,
                        several ? status.precedence() : null,
                        s.organizationId()
                    });
                }
            }
            s.email().tags().stream()
                    .distinct()
                    .forEach(tag -> tags.add(new Object[] {s.id(), tag, s.organizationId(), Timestamps.of(now)}));
            activities.add(ActivityReport.pipeline(s.id(), MessageStatus.ACCEPTED, 0, now, null));
            if (scheduled) {
                activities.add(ActivityReport.pipeline(
                        s.id(),
                        MessageStatus.SCHEDULED,
                        0,
                        now,
                        hold == null
                                ? Map.of("sendAt", sendAt.toString())
                                : Map.of("sendAt", sendAt.toString(), "limit", hold.limit(), "reason", hold.reason())));
            }
        }
        insertMessages(messages, now);
        jdbc.batchUpdate(
                "INSERT INTO message_contents (message_id, content) VALUES (?,?) ON CONFLICT DO NOTHING", contents);
        jdbc.batchUpdate(
                "INSERT INTO message_recipients (message_id, position, kind, email, name, member_id, status, status_rank,"
                        + " organization_id) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING",
                recipients);
        // With the email's organization and time (the message row's created_at): the tag filter's index (V26).
        jdbc.batchUpdate(
                "INSERT INTO message_tags (message_id, tag, organization_id, created_at) VALUES (?,?,?,?)"
                        + " ON CONFLICT DO NOTHING",
                tags);
        members.emailsStored(submissions, now);
        insertActivities(activities, now);
        return activities;
    }

    private static final String INSERT_MESSAGES =
            "INSERT INTO messages (id, organization_id, from_email, subject, requested_provider, status, status_rank,"
                    + " next_attempt_at, send_at, held_for_limit, recipient_count, submitted_at, created_at,"
                    + " updated_at, trace_parent) VALUES ";
    private static final String MESSAGE_VALUES = "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    /** The SQL type of each column of {@link #INSERT_MESSAGES}, for its null values. */
    private static final int[] MESSAGE_COLUMN_TYPES = {
        java.sql.Types.OTHER,
        java.sql.Types.VARCHAR,
        java.sql.Types.VARCHAR,
        java.sql.Types.VARCHAR,
        java.sql.Types.VARCHAR,
        java.sql.Types.VARCHAR,
        java.sql.Types.INTEGER,
        java.sql.Types.TIMESTAMP_WITH_TIMEZONE,
        java.sql.Types.TIMESTAMP_WITH_TIMEZONE,
        java.sql.Types.BOOLEAN,
        java.sql.Types.INTEGER,
        java.sql.Types.TIMESTAMP_WITH_TIMEZONE,
        java.sql.Types.TIMESTAMP_WITH_TIMEZONE,
        java.sql.Types.TIMESTAMP_WITH_TIMEZONE,
        java.sql.Types.VARCHAR
    };
    /** Rows per INSERT of messages: 15 parameters each, far below PostgreSQL's 32,767 per statement. */
    static final int MESSAGES_PER_INSERT = 500;

    /**
     * Inserts message rows (as built by {@link #insertSubmissions}), those of an existing id skipped, and counts in
     * the overview the ones stored. One multi-row INSERT per organization and status (and per
     * {@link #MESSAGES_PER_INSERT}): its row count says how many rows THIS transaction stored, which a JDBC batch's
     * counts do not say with PostgreSQL's rewritten batch inserts ({@code reWriteBatchedInserts}), and which reading
     * the rows before or after cannot tell from a redelivery another operator is storing at the same moment.
     */
    private void insertMessages(List<Object[]> messages, Instant now) {
        Map<List<Object>, List<Object[]>> byGroup = new java.util.LinkedHashMap<>();
        for (Object[] row : messages) {
            byGroup.computeIfAbsent(List.of(row[1], row[5]), k -> new ArrayList<>())
                    .add(row);
        }
        byGroup.forEach((group, rows) -> {
            for (int from = 0; from < rows.size(); from += MESSAGES_PER_INSERT) {
                List<Object[]> part = rows.subList(from, Math.min(rows.size(), from + MESSAGES_PER_INSERT));
                String sql = INSERT_MESSAGES
                        + String.join(",", java.util.Collections.nCopies(part.size(), MESSAGE_VALUES))
                        + " ON CONFLICT DO NOTHING";
                Object[] values = new Object[part.size() * MESSAGE_COLUMN_TYPES.length];
                for (int row = 0; row < part.size(); row++) {
                    for (int column = 0; column < MESSAGE_COLUMN_TYPES.length; column++) {
                        Object value = part.get(row)[column];
                        // A typed null: an untyped one would have the driver describe this long statement once per
                        // null to learn the column's type.
                        values[row * MESSAGE_COLUMN_TYPES.length + column] = value == null
                                ? new org.springframework.jdbc.core.SqlParameterValue(
                                        MESSAGE_COLUMN_TYPES[column], null)
                                : value;
                    }
                }
                int stored = jdbc.update(sql, values);
                overview.stored(
                        (String) group.get(0),
                        now,
                        MessageStatus.valueOf((String) group.get(1)),
                        stored,
                        part.stream().map(r -> (UUID) r[0]).toList());
            }
        });
    }

    /** The submissions of a batch part sorted by what their idempotency keys say about them. */
    record KeyClaims(List<SubmitMessage> toRecord, List<SubmitMessage> duplicates, List<SubmitMessage> conflicts) {}

    private record KeyRef(String organizationId, String key) {
        static KeyRef of(SubmitMessage s) {
            return new KeyRef(s.organizationId(), s.idempotencyKey());
        }
    }

    private record KeyRow(UUID messageId, String requestHash) {}

    /**
     * Takes the {@code idempotency_keys} rows of the submissions that carry a key, BEFORE their messages
     * are stored in the same transaction: a submission whose id is the one its key names next (the first
     * id of the key when it has no row, {@code Ids.nextIdempotentMessage} of the row's message once the
     * API found it expired) claims the row for its message and request hash. The row is the lock: an
     * operator taking the same key at the same moment waits for this transaction, then reads what it
     * committed. Then, per submission with a key:
     * <ul>
     *   <li>it claimed the row: to record (and dispatch), unless a message of its id exists already
     *       (recorded without its key, by an API from before the key rows): then a duplicate;</li>
     *   <li>the row names its message with the same hash: a duplicate, recorded already (or being
     *       recorded by the transaction that claimed it): neither recorded nor dispatched again here; if
     *       that operator died before its dispatch, the releaser queues the message
     *       ({@code mailroom.operator.requeue-accepted-after});</li>
     *   <li>the row names its message with another hash: a conflict (two bodies sent with one key before
     *       the first was recorded): the first stays, this one is not recorded;</li>
     *   <li>anything else (an id its key does not derive, a generation the key has left behind): recorded
     *       without the key unless a message of that id exists already.</li>
     * </ul>
     * Submissions without a key are all to record.
     */
    KeyClaims claimIdempotencyKeys(List<SubmitMessage> submissions, Instant now) {
        List<SubmitMessage> keyed = submissions.stream()
                .filter(s -> s.idempotencyKey() != null && s.requestHash() != null)
                .toList();
        if (keyed.isEmpty()) {
            return new KeyClaims(submissions, List.of(), List.of());
        }
        Map<KeyRef, KeyRow> before = keyRows(keyed);
        Set<UUID> claimed = new HashSet<>();
        // In key order, so that two operators claiming overlapping keys take their locks in one order.
        List<SubmitMessage> inKeyOrder = new ArrayList<>(keyed);
        inKeyOrder.sort(
                Comparator.comparing(SubmitMessage::organizationId).thenComparing(SubmitMessage::idempotencyKey));
        for (SubmitMessage s : inKeyOrder) {
            KeyRow row = before.get(KeyRef.of(s));
            // One statement per claim: its count says whether THIS transaction took the row (a batch's counts
            // do not, with PostgreSQL's rewritten batch inserts).
            int taken = 0;
            if (row == null && s.id().equals(Ids.idempotentMessage(s.organizationId(), s.idempotencyKey()))) {
                taken = jdbc.update(
                        "INSERT INTO idempotency_keys (organization_id, idempotency_key, message_id, request_hash,"
                                + " created_at) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING",
                        s.organizationId(),
                        s.idempotencyKey(),
                        s.id(),
                        s.requestHash(),
                        Timestamps.of(now));
            } else if (row != null && s.id().equals(Ids.nextIdempotentMessage(row.messageId()))) {
                taken = jdbc.update(
                        "UPDATE idempotency_keys SET message_id = ?, request_hash = ?, created_at = ?"
                                + " WHERE organization_id = ? AND idempotency_key = ? AND message_id = ?",
                        s.id(),
                        s.requestHash(),
                        Timestamps.of(now),
                        s.organizationId(),
                        s.idempotencyKey(),
                        row.messageId());
            }
            if (taken == 1) {
                claimed.add(s.id());
            }
        }
        if (!claimed.isEmpty()) {
            // A message of a claimed id that exists already was recorded without its key (by an API from before
            // the key rows, during a rolling upgrade): the key now names it, and it is not recorded again.
            claimed.removeAll(statusesOf(claimed).keySet());
        }
        Map<KeyRef, KeyRow> after = claimed.size() == keyed.size() ? Map.of() : keyRows(keyed);
        List<SubmitMessage> toRecord = new ArrayList<>();
        List<SubmitMessage> duplicates = new ArrayList<>();
        List<SubmitMessage> conflicts = new ArrayList<>();
        List<SubmitMessage> unclaimable = new ArrayList<>();
        for (SubmitMessage s : submissions) {
            if (s.idempotencyKey() == null || s.requestHash() == null || claimed.contains(s.id())) {
                toRecord.add(s);
                continue;
            }
            KeyRow row = after.get(KeyRef.of(s));
            if (row == null || !row.messageId().equals(s.id())) {
                unclaimable.add(s);
            } else if (row.requestHash().equals(s.requestHash())) {
                duplicates.add(s);
            } else {
                conflicts.add(s);
            }
        }
        if (!unclaimable.isEmpty()) {
            Map<UUID, MessageStatus> existing =
                    statusesOf(unclaimable.stream().map(SubmitMessage::id).toList());
            unclaimable.stream().filter(s -> !existing.containsKey(s.id())).forEach(toRecord::add);
            unclaimable.stream().filter(s -> existing.containsKey(s.id())).forEach(duplicates::add);
        }
        return new KeyClaims(toRecord, duplicates, conflicts);
    }

    private Map<KeyRef, KeyRow> keyRows(List<SubmitMessage> keyed) {
        Map<KeyRef, KeyRow> rows = new HashMap<>();
        named.query(
                "SELECT organization_id, idempotency_key, message_id, request_hash FROM idempotency_keys"
                        + " WHERE idempotency_key IN (:keys)",
                new MapSqlParameterSource(
                        "keys",
                        keyed.stream()
                                .map(SubmitMessage::idempotencyKey)
                                .distinct()
                                .toList()),
                rs -> {
                    rows.put(
                            new KeyRef(rs.getString("organization_id"), rs.getString("idempotency_key")),
                            new KeyRow(rs.getObject("message_id", UUID.class), rs.getString("request_hash")));
                });
        return rows;
    }

    /** The current status of each of the given messages that exists. */
    Map<UUID, MessageStatus> statusesOf(Collection<UUID> ids) {
        Map<UUID, MessageStatus> statuses = new HashMap<>();
        if (ids.isEmpty()) {
            return statuses;
        }
        named.query("SELECT id, status FROM messages WHERE id IN (:ids)", new MapSqlParameterSource("ids", ids), rs -> {
            statuses.put(rs.getObject("id", UUID.class), MessageStatus.valueOf(rs.getString("status")));
        });
        return statuses;
    }

    /**
     * Locks the rows of the given messages, in id order. Every transaction that updates several
     * messages calls this first, so all of them take their row locks in the same order and two
     * operators (or two consumers of one) cannot deadlock on overlapping batches.
     *
     * @return each locked message as the overview counts it, before this transaction changes it
     */
    Map<UUID, OverviewRollup.Counted> lockMessages(Collection<UUID> ids) {
        Map<UUID, OverviewRollup.Counted> locked = new HashMap<>();
        if (ids.isEmpty()) {
            return locked;
        }
        named.query(
                "SELECT id, organization_id, created_at, status, status_rank FROM messages WHERE id IN (:ids)"
                        + " ORDER BY id FOR UPDATE",
                new MapSqlParameterSource("ids", ids),
                rs -> {
                    locked.put(rs.getObject("id", UUID.class), counted(rs));
                });
        return locked;
    }

    /** The overview's view of a message row read with its lock (columns organization_id, created_at, status…). */
    private static OverviewRollup.Counted counted(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new OverviewRollup.Counted(
                rs.getObject("id", UUID.class),
                rs.getString("organization_id"),
                rs.getObject("created_at", java.time.OffsetDateTime.class).toInstant(),
                rs.getString("status"),
                rs.getInt("status_rank"));
    }

    /** What recording activities needs to know of a message it has locked. */
    /**
     * @param submittedAt when it was submitted; with {@code scheduled} and {@code statusRank} (its status's precedence
     *                    before this batch), for the stage latencies
     * @param scheduled   it has a {@code sendAt} or was held by a send limit: its wait was chosen
     * @param traceParent the operator span that recorded it, whose trace its activities continue
     * @param dispatchRecorded a provider's acceptance was recorded before this batch (its id for the message is
     *                    known): a provider's event may overtake the dispatcher's report and raise the status first,
     *                    so the status alone does not tell whether the email's dispatch is recorded yet
     * @param erasedRecipients how many of its recipient rows were erased ({@link ErasureSteps}): its later events are
     *                    scrubbed before they are recorded ({@link ErasedActivities})
     * @param counted     where the overview counts it before this batch: its day and status
     */
    record Locked(
            String organizationId,
            int recipientCount,
            Instant submittedAt,
            boolean scheduled,
            int statusRank,
            String traceParent,
            boolean dispatchRecorded,
            int erasedRecipients,
            OverviewRollup.Counted counted) {
        boolean several() {
            return recipientCount > 1;
        }
    }

    /** {@link #lockMessages}, telling each message's organization and number of recipients. */
    Map<UUID, Locked> lockForRecording(Collection<UUID> ids) {
        Map<UUID, Locked> locked = new HashMap<>();
        if (ids.isEmpty()) {
            return locked;
        }
        named.query(
                "SELECT id, organization_id, recipient_count, submitted_at, send_at, held_for_limit, status_rank,"
                        + " trace_parent, provider_message_id, erased_recipients, created_at, status FROM messages"
                        + " WHERE id IN (:ids)"
                        + " ORDER BY id FOR UPDATE",
                new MapSqlParameterSource("ids", ids),
                rs -> {
                    java.time.OffsetDateTime submitted = rs.getObject("submitted_at", java.time.OffsetDateTime.class);
                    locked.put(
                            rs.getObject("id", UUID.class),
                            new Locked(
                                    rs.getString("organization_id"),
                                    rs.getInt("recipient_count"),
                                    submitted == null ? null : submitted.toInstant(),
                                    rs.getObject("send_at") != null || rs.getBoolean("held_for_limit"),
                                    rs.getInt("status_rank"),
                                    rs.getString("trace_parent"),
                                    rs.getString("provider_message_id") != null,
                                    rs.getInt("erased_recipients"),
                                    counted(rs)));
                });
        return locked;
    }

    /** A status for one recipient of a message of several ({@code email} normalized), or for all of them (null). */
    record RecipientRaise(UUID messageId, String email, MessageStatus status) {}

    /**
     * Raises recipients' own statuses by precedence (messages of several recipients only: the others have none).
     * A FAILED or SUPPRESSED recipient is not raised by a later message-wide status but CANCELED.
     */
    void raiseRecipients(Collection<RecipientRaise> raises) {
        List<Object[]> all = new ArrayList<>();
        List<Object[]> one = new ArrayList<>();
        for (RecipientRaise r : raises) {
            int rank = r.status().precedence();
            if (r.email() == null) {
                all.add(new Object[] {r.status().name(), rank, r.messageId(), rank});
            } else {
                one.add(new Object[] {r.status().name(), rank, r.messageId(), r.email(), rank});
            }
        }
        if (!all.isEmpty()) {
            jdbc.batchUpdate(
                    "UPDATE message_recipients SET status = ?, status_rank = ? WHERE message_id = ? AND status_rank < ?",
                    all);
        }
        if (!one.isEmpty()) {
            jdbc.batchUpdate(
                    "UPDATE message_recipients SET status = ?, status_rank = ? WHERE message_id = ?"
                            + " AND LOWER(email) = ? AND status_rank < ?",
                    one);
        }
    }

    /** The normalized addresses of the given messages' recipients, in position order. */
    Map<UUID, List<String>> recipientsOf(Collection<UUID> ids) {
        Map<UUID, List<String>> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        named.query(
                "SELECT message_id, email FROM message_recipients WHERE message_id IN (:ids) ORDER BY message_id,"
                        + " position",
                new MapSqlParameterSource("ids", ids),
                rs -> {
                    found.computeIfAbsent(rs.getObject("message_id", UUID.class), k -> new ArrayList<>())
                            .add(dev.mailroom.contracts.Address.normalize(rs.getString("email")));
                });
        return found;
    }

    /**
     * Per message of several recipients, the normalized addresses already done with (their own status at or past
     * DISPATCHED: sent, bounced, suppressed…; FAILED excepted, which a retry sends again): a retry goes only to the
     * others.
     */
    Map<UUID, Set<String>> recipientsDoneWith(Collection<UUID> ids) {
        Map<UUID, Set<String>> done = new HashMap<>();
        if (ids.isEmpty()) {
            return done;
        }
        named.query(
                "SELECT message_id, email FROM message_recipients WHERE message_id IN (:ids) AND status_rank >= :rank"
                        + " AND status <> :failed",
                new MapSqlParameterSource("ids", ids)
                        .addValue("rank", MessageStatus.DISPATCHED.precedence())
                        .addValue("failed", MessageStatus.FAILED.name()),
                rs -> {
                    done.computeIfAbsent(rs.getObject("message_id", UUID.class), k -> new HashSet<>())
                            .add(dev.mailroom.contracts.Address.normalize(rs.getString("email")));
                });
        return done;
    }

    /**
     * A message none of whose recipients is left to send to: SUPPRESSED when every one is suppressed, else (a
     * retry finding all its recipients done with) unchanged; either way nothing is due any more.
     */
    void endWithoutSending(UUID messageId, MessageStatus status, Instant now) {
        int rank = status == null ? -1 : status.precedence();
        if (status != null) {
            // Locked by the caller already (stored in this transaction, or released under its lock): read as it is.
            OverviewRollup.Counted before = lockMessages(List.of(messageId)).get(messageId);
            if (before != null && before.statusRank() < rank) {
                overview.changed(before, status);
            }
        }
        jdbc.update(
                "UPDATE messages SET next_attempt_at = NULL, held_for_limit = FALSE,"
                        + " status = CASE WHEN status_rank < ? THEN ? ELSE status END,"
                        + " status_rank = CASE WHEN status_rank < ? THEN ? ELSE status_rank END, updated_at = ?"
                        + " WHERE id = ?",
                rank,
                status == null ? "" : status.name(),
                rank,
                rank,
                Timestamps.of(now),
                messageId);
    }

    /**
     * Our message ids for provider message ids recorded at dispatch, keyed by {@link #providerKey}: a provider's
     * id names a message only among that provider's sends (another provider's event with the same id string,
     * perhaps about another organization's message, does not match it).
     */
    Map<String, UUID> messagesByProviderId(Collection<String> providerMessageIds) {
        Map<String, UUID> found = new HashMap<>();
        if (providerMessageIds.isEmpty()) {
            return found;
        }
        named.query(
                "SELECT id, provider, provider_message_id FROM messages WHERE provider_message_id IN (:ids)",
                new MapSqlParameterSource("ids", providerMessageIds),
                rs -> {
                    found.put(
                            providerKey(rs.getString("provider"), rs.getString("provider_message_id")),
                            rs.getObject("id", UUID.class));
                });
        return found;
    }

    /** A provider's message id together with the provider's name: what identifies one send. */
    static String providerKey(String provider, String providerMessageId) {
        return provider + "\u0000" + providerMessageId;
    }

    /** The activity's columns and its values but the trace id, which the two statements below take differently. */
    private static final String INSERT_ACTIVITY_INTO = "INSERT INTO activities (id, message_id, status, occurred_at,"
            + " recorded_at, recipient, provider, provider_message_id, provider_event, details, trace_id)"
            + " VALUES (?,?,?,?,?,?,?,?,?,?,";

    private static final String INSERT_ACTIVITY = INSERT_ACTIVITY_INTO + "?) ON CONFLICT DO NOTHING";
    private static final String INSERT_ACTIVITY_LOOKING_UP_TRACE = INSERT_ACTIVITY_INTO
            + " (SELECT SUBSTRING(m.trace_parent, 4, 32) FROM messages m WHERE m.id = ?)) ON CONFLICT DO NOTHING";

    /** {@link #insertActivities(List, Instant, Map)} knowing no message's trace but those of this thread's batch. */
    void insertActivities(List<ActivityReport> reports, Instant now) {
        insertActivities(reports, now, Map.of());
    }

    /**
     * Inserts activities (once each: a redelivered report adds nothing). Every activity carries its email's trace id,
     * whoever reported it (a dispatcher, a provider's webhook): the one the operator stored with the message. Where the
     * caller or this thread's batch knows it (the message was just recorded, or locked with its trace), it is written
     * as it is; only the others look it up, a sub-select per row that most of the pipeline's inserts thus avoid.
     *
     * @param traceParents the {@code traceparent} stored with messages the caller has read, by message id
     */
    void insertActivities(List<ActivityReport> reports, Instant now, Map<UUID, String> traceParents) {
        dev.mailroom.server.messaging.MessageTracing.Batch batch =
                dev.mailroom.server.messaging.MessageTracing.currentBatch();
        List<Object[]> known = new ArrayList<>(reports.size());
        List<Object[]> lookedUp = new ArrayList<>();
        for (ActivityReport r : reports) {
            Object[] row = {
                r.id(),
                r.messageId(),
                r.status().name(),
                Timestamps.of(r.occurredAt() == null ? now : r.occurredAt()),
                Timestamps.of(now),
                r.recipient(),
                r.provider(),
                r.providerMessageId(),
                r.providerEvent(),
                r.details().isEmpty()
                        ? null
                        : new String(ContractJson.write(r.details()), java.nio.charset.StandardCharsets.UTF_8),
                null
            };
            String traceId = r.messageId() == null ? null : knownTraceId(r.messageId(), traceParents, batch);
            if (r.messageId() == null || traceId != null) {
                row[10] = traceId;
                known.add(row);
            } else {
                row[10] = r.messageId();
                lookedUp.add(row);
            }
        }
        if (!known.isEmpty()) {
            jdbc.batchUpdate(INSERT_ACTIVITY, known);
        }
        if (!lookedUp.isEmpty()) {
            jdbc.batchUpdate(INSERT_ACTIVITY_LOOKING_UP_TRACE, lookedUp);
        }
    }

    /**
     * The email's trace id as the caller read it with the message, else as this thread's batch handles the email
     * (a span of the email's trace, keyed by its id: the intake that stored it, the releaser that resumed it), else
     * null.
     */
    private static String knownTraceId(
            UUID messageId, Map<UUID, String> traceParents, dev.mailroom.server.messaging.MessageTracing.Batch batch) {
        String traceParent = traceParents.get(messageId);
        if (traceParent == null && batch != null) {
            traceParent = batch.traceParentOf(messageId);
        }
        return dev.mailroom.server.messaging.MessageTracing.traceIdOf(traceParent);
    }

    /** A dispatch a provider accepted: which provider, and its id for the message. */
    record Dispatch(UUID messageId, String provider, String providerMessageId) {}

    private static final String RAISE_STATUS =
            "UPDATE messages SET status = ?, status_rank = ?, updated_at = ? WHERE id = ? AND status_rank < ?";
    private static final String RAISE_STATUS_AND_RECORD_DISPATCH =
            "UPDATE messages SET provider = ?, provider_message_id = ?,"
                    + " status = CASE WHEN status_rank < ? THEN ? ELSE status END,"
                    + " status_rank = CASE WHEN status_rank < ? THEN ? ELSE status_rank END, updated_at = ? WHERE id = ?";

    /**
     * Raises each message's status to the given one unless it already has a higher rank, and
     * records which provider took each dispatched message and under what id (for matching its
     * later events): one UPDATE per message, each message row written once per batch.
     *
     * @param locked the messages as {@link #lockForRecording} read them in this transaction: a status raised is
     *               counted in the overview when it outranks the locked one, exactly the rows the UPDATEs change
     */
    void raiseStatuses(
            Map<UUID, MessageStatus> statuses, List<Dispatch> dispatches, Map<UUID, Locked> locked, Instant now) {
        Map<UUID, Dispatch> dispatched = new HashMap<>();
        dispatches.forEach(d -> dispatched.put(d.messageId(), d));
        List<Object[]> raises = new ArrayList<>(statuses.size());
        List<Object[]> raisesWithDispatch = new ArrayList<>(dispatched.size());
        statuses.forEach((id, status) -> {
            Locked before = locked.get(id);
            if (before != null && status.precedence() > before.statusRank()) {
                overview.changed(before.counted(), status);
            }
            Dispatch d = dispatched.remove(id);
            if (d == null) {
                raises.add(
                        new Object[] {status.name(), status.precedence(), Timestamps.of(now), id, status.precedence()});
            } else {
                raisesWithDispatch.add(new Object[] {
                    d.provider(),
                    d.providerMessageId(),
                    status.precedence(),
                    status.name(),
                    status.precedence(),
                    status.precedence(),
                    Timestamps.of(now),
                    id
                });
            }
        });
        // A dispatch whose message has no status to raise in this batch still records the provider's id
        // (the CASEs then keep the status: no rank is below 0).
        dispatched
                .values()
                .forEach(d -> raisesWithDispatch.add(new Object[] {
                    d.provider(), d.providerMessageId(), 0, "", 0, 0, Timestamps.of(now), d.messageId()
                }));
        if (!raises.isEmpty()) {
            jdbc.batchUpdate(RAISE_STATUS, raises);
        }
        if (!raisesWithDispatch.isEmpty()) {
            jdbc.batchUpdate(RAISE_STATUS_AND_RECORD_DISPATCH, raisesWithDispatch);
        }
    }

    /**
     * Attaches provider events that arrived before their dispatch was recorded (known then only by
     * the provider's id) to their messages.
     *
     * @return the events adopted, with their message id
     */
    List<ActivityReport> adoptUnmatchedEvents(List<Dispatch> dispatches) {
        // Only the same provider's events: its message ids mean nothing to another provider.
        Map<String, UUID> byProviderId = new HashMap<>();
        dispatches.forEach(d -> byProviderId.put(providerKey(d.provider(), d.providerMessageId()), d.messageId()));
        List<ActivityReport> adopted = new ArrayList<>();
        named.query(
                "SELECT id, provider, provider_message_id, status, occurred_at, recipient, provider_event, details"
                        + " FROM activities WHERE message_id IS NULL AND provider_message_id IN (:ids)",
                new MapSqlParameterSource(
                        "ids",
                        dispatches.stream().map(Dispatch::providerMessageId).collect(Collectors.toSet())),
                rs -> {
                    UUID messageId = byProviderId.get(
                            providerKey(rs.getString("provider"), rs.getString("provider_message_id")));
                    if (messageId != null) {
                        String details = rs.getString("details");
                        adopted.add(ActivityReport.event(
                                rs.getObject("id", UUID.class),
                                messageId,
                                rs.getString("provider_message_id"),
                                rs.getString("provider"),
                                MessageStatus.valueOf(rs.getString("status")),
                                rs.getObject("occurred_at", java.time.OffsetDateTime.class)
                                        .toInstant(),
                                rs.getString("recipient"),
                                rs.getString("provider_event"),
                                details == null ? Map.of() : detailsOf(details)));
                    }
                });
        if (!adopted.isEmpty()) {
            Set<UUID> adoptedMessages =
                    adopted.stream().map(ActivityReport::messageId).collect(Collectors.toSet());
            List<Object[]> rows = new ArrayList<>();
            dispatches.stream()
                    .filter(d -> adoptedMessages.contains(d.messageId()))
                    .forEach(d ->
                            rows.add(new Object[] {d.messageId(), d.messageId(), d.providerMessageId(), d.provider()}));
            jdbc.batchUpdate(
                    "UPDATE activities SET message_id = ?,"
                            + " trace_id = (SELECT SUBSTRING(m.trace_parent, 4, 32) FROM messages m WHERE m.id = ?)"
                            + " WHERE message_id IS NULL AND provider_message_id = ? AND provider = ?",
                    rows);
        }
        return adopted;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detailsOf(String json) {
        try {
            return ContractJson.read(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.class);
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    /**
     * Marks dispatch attempts as handed to the queue: clears the due time and counts the attempt
     * (unless a report of that attempt counted it already), and raises the status to QUEUED by
     * precedence. One UPDATE per message, for what used to take two.
     *
     * @param locked the messages as {@link #lockMessages} read them in this transaction, for the overview: those
     *               below QUEUED go to QUEUED
     */
    void markQueued(
            Map<UUID, Integer> attempts,
            Collection<UUID> several,
            Map<UUID, OverviewRollup.Counted> locked,
            Instant now) {
        raiseRecipients(several.stream()
                .map(id -> new RecipientRaise(id, null, MessageStatus.QUEUED))
                .toList());
        int queued = MessageStatus.QUEUED.precedence();
        attempts.keySet().forEach(id -> {
            OverviewRollup.Counted before = locked.get(id);
            if (before != null && before.statusRank() < queued) {
                overview.changed(before, MessageStatus.QUEUED);
            }
        });
        List<Object[]> rows = new ArrayList<>(attempts.size());
        attempts.forEach((id, attempt) -> rows.add(new Object[] {
            attempt,
            attempt,
            attempt,
            queued,
            MessageStatus.QUEUED.name(),
            queued,
            queued,
            Timestamps.of(now),
            id,
            attempt,
            queued
        }));
        jdbc.batchUpdate(
                "UPDATE messages SET next_attempt_at = CASE WHEN attempts < ? THEN NULL ELSE next_attempt_at END,"
                        + " held_for_limit = FALSE,"
                        + " attempts = CASE WHEN attempts < ? THEN ? ELSE attempts END,"
                        + " status = CASE WHEN status_rank < ? THEN ? ELSE status END,"
                        + " status_rank = CASE WHEN status_rank < ? THEN ? ELSE status_rank END, updated_at = ?"
                        + " WHERE id = ? AND (attempts < ? OR status_rank < ?)",
                rows);
    }

    /**
     * Cancels a message that is still waiting for its send time. The row lock taken by a
     * concurrent release makes this wait, and the status check then sees QUEUED: a message is
     * either canceled or sent, never both.
     *
     * @return true when the message was canceled
     */
    boolean cancelScheduled(UUID messageId, String organizationId, Instant now) {
        boolean canceled = jdbc.update(
                        "UPDATE messages SET status = ?, status_rank = ?, next_attempt_at = NULL, updated_at = ?"
                                + " WHERE id = ? AND organization_id = ? AND status = ?",
                        MessageStatus.CANCELED.name(),
                        MessageStatus.CANCELED.precedence(),
                        Timestamps.of(now),
                        messageId,
                        organizationId,
                        MessageStatus.SCHEDULED.name())
                == 1;
        if (canceled) {
            raiseRecipients(List.of(new RecipientRaise(messageId, null, MessageStatus.CANCELED)));
            // The row is ours until commit: it was SCHEDULED a moment ago, as the UPDATE's condition says.
            overview.changed(
                    new OverviewRollup.Counted(
                            messageId,
                            organizationId,
                            createdAt(messageId),
                            MessageStatus.SCHEDULED.name(),
                            MessageStatus.SCHEDULED.precedence()),
                    MessageStatus.CANCELED);
        }
        return canceled;
    }

    /**
     * Sets when the operator dispatches a deferred message again, unless a newer attempt already ran.
     * The dispatcher's report can arrive before the QUEUED of its own attempt is recorded (the
     * intake records QUEUED after the broker confirmed the command): the attempt is counted here
     * then, so that {@link #markQueued}, coming second, leaves this due time alone.
     */
    void scheduleRetry(UUID messageId, int attempt, Instant when) {
        jdbc.update(
                "UPDATE messages SET next_attempt_at = ?, attempts = ? WHERE id = ? AND attempts <= ?",
                Timestamps.of(when),
                attempt,
                messageId,
                attempt);
    }

    /**
     * Locks up to {@code limit} messages whose dispatch is due. Must run in a transaction; other
     * operators skip the locked rows, so each due message is released by one operator.
     */
    List<DueDispatch> lockDue(Instant now, int limit) {
        record Due(
                UUID id,
                String organizationId,
                String requestedProvider,
                int nextAttempt,
                boolean held,
                String traceParent) {}
        List<Due> due = jdbc.query(
                "SELECT id, organization_id, requested_provider, attempts, held_for_limit, trace_parent FROM messages"
                        + " WHERE next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED",
                (rs, i) -> new Due(
                        rs.getObject("id", UUID.class),
                        rs.getString("organization_id"),
                        rs.getString("requested_provider"),
                        rs.getInt("attempts") + 1,
                        rs.getBoolean("held_for_limit"),
                        rs.getString("trace_parent")),
                Timestamps.of(now),
                limit);
        if (due.isEmpty()) {
            return List.of();
        }
        Map<UUID, String> contents = new HashMap<>();
        named.query(
                "SELECT message_id, content FROM message_contents WHERE message_id IN (:ids)",
                new MapSqlParameterSource("ids", due.stream().map(Due::id).toList()),
                rs -> {
                    contents.put(rs.getObject("message_id", UUID.class), rs.getString("content"));
                });
        // Written in one transaction with its message, the content is always there; the filter only
        // keeps a hand-made row without one from stopping every release.
        return due.stream()
                .filter(d -> contents.containsKey(d.id()))
                .map(d -> new DueDispatch(
                        d.id(),
                        d.organizationId(),
                        d.requestedProvider(),
                        contents.get(d.id()),
                        d.nextAttempt(),
                        d.held(),
                        d.traceParent()))
                .toList();
    }

    /**
     * Holds an organization's held emails that are due until its send limit has room again: all of them at once,
     * not only those of this release batch, so that a large held backlog does not keep the releaser busy with
     * one organization while others wait.
     */
    void holdAgain(String organizationId, Instant until, Instant now) {
        jdbc.update(
                "UPDATE messages SET next_attempt_at = ? WHERE organization_id = ? AND held_for_limit = TRUE"
                        + " AND next_attempt_at <= ?",
                Timestamps.of(until),
                organizationId,
                Timestamps.of(now));
    }

    /** When the operator stored the message: the day the overview counts it on. */
    private Instant createdAt(UUID messageId) {
        return jdbc.queryForObject(
                        "SELECT created_at FROM messages WHERE id = ?", java.time.OffsetDateTime.class, messageId)
                .toInstant();
    }

    /** When the message was submitted, for the retry age limit. */
    java.util.Optional<Instant> submittedAt(UUID messageId) {
        return jdbc
                .query(
                        "SELECT submitted_at FROM messages WHERE id = ?",
                        (rs, i) ->
                                rs.getObject(1, java.time.OffsetDateTime.class).toInstant(),
                        messageId)
                .stream()
                .findFirst();
    }
}
