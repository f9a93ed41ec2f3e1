package dev.mailroom.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#SUPPRESSION_DECISION_V1}: the operator's answer to a {@link SuppressionRequest},
 * sent to the request's AMQP {@code reply_to} address with its {@code correlation_id}. It names the addresses
 * the request changed, so the asker can tell "added" from "was there already" without reading the list again.
 *
 * @param requestId the request answered
 * @param outcome   {@link #DONE} or {@link #EXPIRED} (taken after the request's {@code expiresAt}: not carried
 *                  out, nothing changed)
 * @param added     the normalized addresses this request put on the list (not those already there)
 * @param removed   the normalized addresses this request took off it (not those that were not on it)
 * @param decidedAt when the operator decided
 */
public record SuppressionDecision(
        UUID requestId, String outcome, List<String> added, List<String> removed, Instant decidedAt)
        implements QueueMessage {
    public static final String DONE = "done";
    public static final String EXPIRED = "expired";

    public static final Envelope<SuppressionDecision> ENVELOPE =
            Envelope.asReply(MessageTypes.SUPPRESSION_DECISION_V1, SuppressionDecision.class);

    public SuppressionDecision {
        added = added == null ? List.of() : List.copyOf(added);
        removed = removed == null ? List.of() : List.copyOf(removed);
    }

    @Override
    public Envelope<SuppressionDecision> envelope() {
        return ENVELOPE;
    }

    /** {@code suppression-decision:<request id>}: one answer per request. */
    @Override
    public String amqpMessageId() {
        return "suppression-decision:" + requestId;
    }
}
