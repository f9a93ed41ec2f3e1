package dev.mailroom.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#MESSAGE_DECISION_V1}: the operator's answer to a {@link MessageRequest},
 * sent to the request's AMQP {@code reply_to} address with its {@code correlation_id}.
 *
 * @param requestId the request answered
 * @param messageId the message it was about
 * @param outcome   {@link #DONE}, {@link #REFUSED} (the message's status does not allow it),
 *                  {@link #NOT_FOUND} (no such message in the organization) or {@link #EXPIRED}
 *                  (taken after the request's {@code expiresAt}: not carried out)
 * @param status    the message's status after the decision (null when not found or expired)
 * @param decidedAt when the operator decided
 */
public record MessageDecision(UUID requestId, UUID messageId, String outcome, String status, Instant decidedAt)
        implements QueueMessage {
    public static final String DONE = "done";
    public static final String REFUSED = "refused";
    public static final String NOT_FOUND = "not-found";
    public static final String EXPIRED = "expired";

    public static final Envelope<MessageDecision> ENVELOPE =
            Envelope.asReply(MessageTypes.MESSAGE_DECISION_V1, MessageDecision.class);

    @Override
    public Envelope<MessageDecision> envelope() {
        return ENVELOPE;
    }

    /** {@code message-decision:<request id>}: one answer per request. */
    @Override
    public String amqpMessageId() {
        return "message-decision:" + requestId;
    }
}
