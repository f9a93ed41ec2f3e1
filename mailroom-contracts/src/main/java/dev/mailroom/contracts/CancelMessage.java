package dev.mailroom.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#CANCEL_V1} on {@value QueueNames#MAILBOX}: stop a scheduled message
 * before its send time. It goes through the mailbox because only the operator writes; a message
 * already released to the dispatchers is not affected.
 */
public record CancelMessage(UUID messageId, String organizationId, Instant requestedAt) {
}
