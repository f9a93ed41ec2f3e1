package dev.mailroom.server.providers;

import java.time.Instant;

/** What a provider said to a send: taken, try again later, or refused for good. */
public sealed interface DeliveryOutcome {

    /** @param providerMessageId the provider's id for the message, used to match its events */
    record Accepted(String providerMessageId) implements DeliveryOutcome {}

    /** @param notBefore the provider's Retry-After, or null to leave the timing to our back-off */
    record RetryLater(String reason, Instant notBefore) implements DeliveryOutcome {}

    record Rejected(String reason) implements DeliveryOutcome {}
}
