package dev.mailroom.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mailroom.contracts.MessageStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the API answers about messages. */
final class MessageViews {
    private MessageViews() {}

    /**
     * A recipient and its own current status: the message's status for a message of one recipient, else the
     * recipient's (see {@link MessageStatus}'s precedence). {@code activities} (the message's activities that
     * concern this recipient: message-wide ones and its own) only in a message's detail, not in lists.
     */
    record RecipientView(
            String kind,
            String email,
            String name,
            String memberId,
            String status,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<ActivityView> activities) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ActivityView(
            String status,
            Instant occurredAt,
            String recipient,
            String provider,
            String providerEvent,
            Map<String, Object> details,
            // The W3C trace id (32 hex digits) of the email's trace, the same on every activity of it; absent for
            // activities recorded before tracing (and for events never matched to the message).
            String traceId) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MessageSummary(
            UUID id,
            String status,
            String from,
            String subject,
            List<RecipientView> recipients,
            List<String> tags,
            String provider,
            Instant createdAt,
            Instant updatedAt) {}

    /**
     * {@code status} is the message's summary: the most advanced status among the recipients it was sent to
     * (SUPPRESSED only when every recipient is); {@code recipientCounts} says how many recipients are at each
     * status, in precedence order.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MessageDetail(
            UUID id,
            String status,
            String from,
            String subject,
            List<RecipientView> recipients,
            List<String> tags,
            Map<String, String> metadata,
            String provider,
            String providerMessageId,
            int attempts,
            Instant sendAt,
            Instant submittedAt,
            Instant createdAt,
            Instant updatedAt,
            List<ActivityView> activities,
            Map<String, Long> recipientCounts) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Page(List<MessageSummary> items, String nextCursor) {}

    record Submitted(UUID id, String status, String location) {}
}
