package dev.mailroom.server.api;

import dev.mailroom.contracts.MessageStatus;
import java.time.Instant;

/** The filters of {@code GET /api/v1/messages}; null means "any". */
record MessageFilter(
        String organizationId,
        String recipient,
        String memberId,
        MessageStatus status,
        String tag,
        Instant since,
        Instant until,
        int limit,
        PageCursor after) {}
