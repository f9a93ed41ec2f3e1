package dev.mailroom.contracts;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic ids. Every consumer is idempotent because the same fact always gets the same id:
 * a redelivery or a duplicate provider event collides on the primary key and changes nothing.
 */
public final class Ids {
    private Ids() {}

    /** A name-based UUID of the given parts (separated so that ("ab","c") differs from ("a","bc")). */
    public static UUID of(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\u001f", parts).getBytes(StandardCharsets.UTF_8));
    }

    /** The id of a status the pipeline itself records for a message (ACCEPTED, QUEUED, ...). */
    public static UUID activity(UUID messageId, MessageStatus status, int attempt) {
        return of("pipeline", messageId.toString(), status.name(), Integer.toString(attempt));
    }

    /**
     * The id of a dispatcher's report about one recipient of a message (a relay that took the
     * email for some recipients and refused others): one per recipient, status and attempt, the
     * recipient {@linkplain Address#normalize normalized} so that "Ada@Example.org" and
     * "ada@example.org" are the same fact.
     */
    public static UUID recipientActivity(UUID messageId, MessageStatus status, int attempt, String recipient) {
        return of(
                "recipient",
                messageId.toString(),
                status.name(),
                Integer.toString(attempt),
                Address.normalize(recipient));
    }

    /** The id of a provider-reported event, from the provider's own event id. */
    public static UUID providerEvent(String provider, String providerEventId) {
        return of("provider", provider, providerEventId);
    }

    /**
     * The message id an Idempotency-Key maps to the first time it is used: every API process
     * derives the same id, so retries racing one another name one message.
     */
    public static UUID idempotentMessage(String organizationId, String idempotencyKey) {
        return of("idempotency", organizationId, idempotencyKey);
    }

    /**
     * The message id an Idempotency-Key maps to once its window after {@code previousMessageId}
     * (the message the key named until then) has passed: derived from that message, so that
     * retries racing one another after the window still agree on one new message.
     */
    public static UUID nextIdempotentMessage(UUID previousMessageId) {
        return of("idempotency-next", previousMessageId.toString());
    }
}
