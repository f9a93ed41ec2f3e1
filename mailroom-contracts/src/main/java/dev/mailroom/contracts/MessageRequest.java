package dev.mailroom.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#MESSAGE_REQUEST_V1} on {@value QueueNames#CONTROL}: Mailroom's API asks
 * the operator to change one message and waits for its {@link MessageDecision} (AMQP request/reply:
 * the request's {@code reply_to} and {@code correlation_id} say where the answer goes). The operator
 * decides in one transaction holding the message's row lock, the same lock under which it releases
 * due messages, so the answer is certain: a canceled message is never sent.
 *
 * <p>A request the operator takes at or after {@code expiresAt} is not carried out (answered
 * {@link MessageDecision#EXPIRED}): the API has answered its caller 503 by then, and a late change
 * must not take effect behind that answer.
 *
 * @param requestId      unique per request; the AMQP message id derives from it
 * @param action         {@link #CANCEL}, {@link #RESCHEDULE} or {@link #RETRY}
 * @param messageId      the message to change
 * @param organizationId the caller's organization: a message of another one is not found
 * @param sendAt         for {@link #RESCHEDULE}: the new send time (a past one means now); null otherwise
 * @param requestedBy    who asked (a key's prefix, a person's email), recorded on the timeline of a retry
 * @param requestedAt    when the API asked
 * @param expiresAt      the last moment at which the operator may carry the request out
 */
public record MessageRequest(
        UUID requestId,
        String action,
        UUID messageId,
        String organizationId,
        Instant sendAt,
        String requestedBy,
        Instant requestedAt,
        Instant expiresAt)
        implements QueueMessage {
    /** Cancel a SCHEDULED message. */
    public static final String CANCEL = "cancel";
    /** Set a SCHEDULED message's send time. */
    public static final String RESCHEDULE = "reschedule";
    /** Dispatch a FAILED message again. */
    public static final String RETRY = "retry";

    public static final Envelope<MessageRequest> ENVELOPE =
            Envelope.onQueue(QueueNames.CONTROL, MessageTypes.MESSAGE_REQUEST_V1, MessageRequest.class);

    @Override
    public Envelope<MessageRequest> envelope() {
        return ENVELOPE;
    }

    /** {@code message-request:<request id>}: each request is a fact of its own. */
    @Override
    public String amqpMessageId() {
        return "message-request:" + requestId;
    }
}
