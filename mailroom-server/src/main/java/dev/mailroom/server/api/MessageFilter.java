package dev.mailroom.server.api;

import dev.mailroom.contracts.MessageStatus;
import java.time.Instant;
import java.util.Set;

/**
 * The filters of {@code GET /api/v1/messages}; null means "any". {@code recipientStatuses}: messages with at
 * least one recipient whose current status is one of them; empty means "any".
 */
record MessageFilter(
        String organizationId,
        String recipient,
        String memberId,
        MessageStatus status,
        Set<MessageStatus> recipientStatuses,
        String tag,
        Instant since,
        Instant until,
        int limit,
        PageCursor after) {
    MessageFilter {
        recipientStatuses = recipientStatuses == null ? Set.of() : Set.copyOf(recipientStatuses);
    }
}
