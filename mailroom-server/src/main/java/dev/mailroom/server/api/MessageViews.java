package dev.mailroom.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the API answers about messages. */
final class MessageViews {
    private MessageViews() {}

    record RecipientView(String kind, String email, String name, String memberId) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ActivityView(
            String status,
            Instant occurredAt,
            String recipient,
            String provider,
            String providerEvent,
            Map<String, Object> details) {}

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
            List<ActivityView> activities) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record Page(List<MessageSummary> items, String nextCursor) {}

    record Submitted(UUID id, String status, String location) {}
}
