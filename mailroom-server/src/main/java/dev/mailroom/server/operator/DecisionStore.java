package dev.mailroom.server.operator;

import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The writes of the operator's decisions about one message (reschedule, retry; cancel is
 * {@link MessageStore#cancelScheduled}). Each runs in the caller's transaction after
 * {@link #lockForDecision} took the message's row lock, the lock the {@link DueDispatchReleaser}
 * holds while it releases a due message and records QUEUED: a decision made under it sees the
 * message as released or not, never half-way.
 */
@Repository
@ConditionalOnRole(Role.OPERATOR)
class DecisionStore {
    private final JdbcTemplate jdbc;
    private final OverviewRollup overview;

    DecisionStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.overview = new OverviewRollup(jdbc);
    }

    /** A message as a decision sees it, its row locked until the transaction ends. */
    record Locked(MessageStatus status, Instant sendAt, int attempts) {}

    /**
     * Locks the message's row (waiting for a release in progress) and reads it; empty when the
     * organization has no such message.
     */
    Optional<Locked> lockForDecision(UUID messageId, String organizationId) {
        return jdbc
                .query(
                        "SELECT status, send_at, attempts FROM messages WHERE id = ? AND organization_id = ? FOR UPDATE",
                        (rs, i) -> new Locked(
                                MessageStatus.valueOf(rs.getString("status")),
                                Optional.ofNullable(rs.getObject("send_at", OffsetDateTime.class))
                                        .map(OffsetDateTime::toInstant)
                                        .orElse(null),
                                rs.getInt("attempts")),
                        messageId,
                        organizationId)
                .stream()
                .findFirst();
    }

    /** A SCHEDULED message's new send time, and when the releaser takes it ({@code dueAt}, now for a past one). */
    boolean reschedule(UUID messageId, Instant sendAt, Instant dueAt, Instant now) {
        return jdbc.update(
                        "UPDATE messages SET send_at = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = ?",
                        Timestamps.of(sendAt),
                        Timestamps.of(dueAt),
                        Timestamps.of(now),
                        messageId,
                        MessageStatus.SCHEDULED.name())
                == 1;
    }

    /**
     * A FAILED message back to QUEUED, due now: the releaser dispatches it as its next attempt (the
     * attempts go on counting). The one path on which a status goes down, on an administrator's word.
     */
    boolean restartDispatch(UUID messageId, Instant now) {
        boolean restarted = jdbc.update(
                        "UPDATE messages SET status = ?, status_rank = ?, next_attempt_at = ?, updated_at = ?"
                                + " WHERE id = ? AND status = ?"
                                // Its content past the organization's retention, there is nothing left to send.
                                + " AND EXISTS (SELECT 1 FROM message_contents c WHERE c.message_id = messages.id)",
                        MessageStatus.QUEUED.name(),
                        MessageStatus.QUEUED.precedence(),
                        Timestamps.of(now),
                        Timestamps.of(now),
                        messageId,
                        MessageStatus.FAILED.name())
                == 1;
        if (restarted) {
            // The row is ours until commit, and was FAILED a moment ago, as the UPDATE's condition says.
            jdbc.query(
                    "SELECT organization_id, created_at FROM messages WHERE id = ?",
                    rs -> {
                        overview.changed(
                                new OverviewRollup.Counted(
                                        messageId,
                                        rs.getString("organization_id"),
                                        rs.getObject("created_at", OffsetDateTime.class)
                                                .toInstant(),
                                        MessageStatus.FAILED.name(),
                                        MessageStatus.FAILED.precedence()),
                                MessageStatus.QUEUED);
                    },
                    messageId);
            // Its recipients that failed go again (those done with, suppressed or bounced, do not).
            jdbc.update(
                    "UPDATE message_recipients SET status = ?, status_rank = ? WHERE message_id = ? AND status = ?",
                    MessageStatus.QUEUED.name(),
                    MessageStatus.QUEUED.precedence(),
                    messageId,
                    MessageStatus.FAILED.name());
        }
        return restarted;
    }
}
