package dev.mailroom.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#SUBMIT_V1} on {@value QueueNames#MAILBOX}. The id is chosen by
 * the submitter (API or client) and is the AMQP {@code message_id}: submitting the same id twice
 * records one message.
 *
 * <p>A submission made with an {@code Idempotency-Key} carries the key and the hash of what was
 * asked for: the operator keeps, per organization and key, the message recorded and that hash, and
 * does not record a second submission of that message id with another hash (two different bodies
 * sent with one key before the first was recorded). Both are null from producers that know nothing
 * of them (the Java client, older APIs), and then nothing changes.
 *
 * @param sendAt         when to send; null or past means now
 * @param provider       a provider name overriding the default, or null
 * @param idempotencyKey the REST {@code Idempotency-Key} the id was derived from
 *                       ({@link Ids#idempotentMessage}, {@link Ids#nextIdempotentMessage}), or null
 * @param requestHash    a hash of the request's meaning (not its bytes), set with the key, or null
 */
public record SubmitMessage(
        UUID id,
        String organizationId,
        Instant submittedAt,
        Email email,
        Instant sendAt,
        String provider,
        String idempotencyKey,
        String requestHash)
        implements QueueMessage {
    public static final Envelope<SubmitMessage> ENVELOPE =
            Envelope.onQueue(QueueNames.MAILBOX, MessageTypes.SUBMIT_V1, SubmitMessage.class);

    /** A submission without an idempotency key. */
    public SubmitMessage(
            UUID id, String organizationId, Instant submittedAt, Email email, Instant sendAt, String provider) {
        this(id, organizationId, submittedAt, email, sendAt, provider, null, null);
    }

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
