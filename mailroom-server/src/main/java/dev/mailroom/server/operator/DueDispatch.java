package dev.mailroom.server.operator;

import java.util.UUID;

/**
 * A message whose next dispatch is due (scheduled send or retry), as read from the database; {@code held} when it
 * waited for its organization's send limit (it is counted when released).
 */
record DueDispatch(
        UUID id,
        String organizationId,
        String requestedProvider,
        String contentJson,
        int nextAttempt,
        boolean held,
        String traceParent) {}
