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

    /** The id of a provider-reported event, from the provider's own event id. */
    public static UUID providerEvent(String provider, String providerEventId) {
        return of("provider", provider, providerEventId);
    }

    /** The message id an Idempotency-Key maps to: the same key always names the same message. */
    public static UUID idempotentMessage(String organizationId, String idempotencyKey) {
        return of("idempotency", organizationId, idempotencyKey);
    }
}
