package dev.mailroom.contracts;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#ACTIVITY_V1} on {@value QueueNames#TRACKING}: one thing that
 * happened to a message (or to one of its recipients).
 *
 * @param id                deterministic ({@link Ids}), so a redelivered or duplicated report is
 *                          stored once
 * @param messageId         our id when known (dispatcher, or {@code mailroom_id} in a webhook);
 *                          null when only the provider's id is known
 * @param providerMessageId the provider's id for the message, recorded at dispatch
 * @param providerEvent     the provider's own name for the event ("delivered", "bounce", ...)
 * @param details           useful extras: bounce type and reason, clicked URL, user agent, ...
 * @param attempt           for reports of the dispatcher: which dispatch attempt this was
 * @param retryAt           for a dispatcher's DEFERRED: not before when the operator may dispatch
 *                          again (the provider's Retry-After); null otherwise
 */
public record ActivityReport(
        UUID id,
        UUID messageId,
        String providerMessageId,
        String provider,
        MessageStatus status,
        Instant occurredAt,
        String recipient,
        String providerEvent,
        Map<String, Object> details,
        Integer attempt,
        Instant retryAt) {

    public ActivityReport {
        details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** A provider-reported event (webhook): no attempt, no retry. */
    public static ActivityReport event(UUID id, UUID messageId, String providerMessageId, String provider, MessageStatus status,
                                       Instant occurredAt, String recipient, String providerEvent, Map<String, Object> details) {
        return new ActivityReport(id, messageId, providerMessageId, provider, status, occurredAt, recipient, providerEvent, details, null, null);
    }
}
