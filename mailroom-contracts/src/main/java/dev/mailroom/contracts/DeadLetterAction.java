package dev.mailroom.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#DEAD_LETTER_V1} on {@value QueueNames#CONTROL}: an administrator
 * resolves a dead-lettered message — {@code replay} puts its exact bytes back on its queue,
 * {@code discard} closes it. Through the mailbox, because only the operator writes.
 */
public record DeadLetterAction(UUID deadLetterId, String action, Instant requestedAt) implements QueueMessage {
    public static final String REPLAY = "replay";
    public static final String DISCARD = "discard";
    public static final Envelope<DeadLetterAction> ENVELOPE =
            Envelope.onQueue(QueueNames.CONTROL, MessageTypes.DEAD_LETTER_V1, DeadLetterAction.class);

    @Override
    public Envelope<DeadLetterAction> envelope() {
        return ENVELOPE;
    }

    /** {@code dead-letter:<dead letter id>:<action>}: one replay (or discard) per dead letter. */
    @Override
    public String amqpMessageId() {
        return "dead-letter:" + deadLetterId + ":" + action;
    }
}
