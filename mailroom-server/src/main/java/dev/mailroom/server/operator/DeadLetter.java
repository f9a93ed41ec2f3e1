package dev.mailroom.server.operator;

import java.util.UUID;

/** A dead letter as stored: where it came from and its exact bytes, for a replay. */
record DeadLetter(UUID id, String queue, String type, String messageId, byte[] body) {}
