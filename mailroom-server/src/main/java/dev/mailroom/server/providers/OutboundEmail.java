package dev.mailroom.server.providers;

import dev.mailroom.contracts.Email;
import java.util.UUID;

/** One email to send, with our id (which every provider carries as {@code mailroom_id}). */
public record OutboundEmail(UUID messageId, int attempt, Email email) {}
