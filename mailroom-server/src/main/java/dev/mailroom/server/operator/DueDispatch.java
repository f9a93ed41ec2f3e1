package dev.mailroom.server.operator;

import java.util.UUID;

/** A message whose next dispatch is due (scheduled send or retry), as read from the database. */
record DueDispatch(UUID id, String organizationId, String requestedProvider, String contentJson, int nextAttempt) {}
