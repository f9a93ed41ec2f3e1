package dev.mailroom.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#CANCEL_V1} on {@value QueueNames#MAILBOX}: stop a scheduled message
 * before its send time. It goes through the mailbox because only the operator writes; a message
 * already released to the dispatchers is not affected.
 */
public record CancelMessage(UUID messageId, String organizationId, Instant requestedAt) implements QueueMessage {
    public static final Envelope<CancelMessage> ENVELOPE =
            Envelope.onQueue(QueueNames.MAILBOX, MessageTypes.CANCEL_V1, CancelMessage.class);

    @Override
    public Envelope<CancelMessage> envelope() {
        return ENVELOPE;
    }

    /** {@code cancel:<message id>}: one cancel per message, however often it is asked for. */
    @Override
    public String amqpMessageId() {
        return "cancel:" + messageId;
    }
}
