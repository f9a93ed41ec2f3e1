package dev.mailroom.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#SUBMIT_V1} on {@value QueueNames#MAILBOX}. The id is chosen by
 * the submitter (API or client) and is the AMQP {@code message_id}: submitting the same id twice
 * records one message.
 *
 * @param sendAt   when to send; null or past means now
 * @param provider a provider name overriding the default, or null
 */
public record SubmitMessage(
        UUID id, String organizationId, Instant submittedAt, Email email, Instant sendAt, String provider)
        implements QueueMessage {
    public static final Envelope<SubmitMessage> ENVELOPE =
            Envelope.onQueue(QueueNames.MAILBOX, MessageTypes.SUBMIT_V1, SubmitMessage.class);

    @Override
    public Envelope<SubmitMessage> envelope() {
        return ENVELOPE;
    }

    /** The submission's own id: the same submission published twice records one message. */
    @Override
    public String amqpMessageId() {
        return id.toString();
    }
}
