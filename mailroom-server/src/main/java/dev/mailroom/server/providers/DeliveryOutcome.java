package dev.mailroom.server.providers;

import java.time.Instant;

/** What a provider said to a send: taken, try again later, or refused for good. */
public sealed interface DeliveryOutcome {

    /** @param providerMessageId the provider's id for the message, used to match its events */
    record Accepted(String providerMessageId) implements DeliveryOutcome {}

    /**
     * @param notBefore   the provider's Retry-After, or null to leave the timing to our back-off
     * @param rateLimited the provider said we send too fast (HTTP 429, SES throttling): every
     *                    dispatcher holds off that provider until {@code notBefore}, and it does not
     *                    count as provider trouble for the circuit breaker
     */
    record RetryLater(String reason, Instant notBefore, boolean rateLimited) implements DeliveryOutcome {

        /** A "try later" that is not a rate limit (unavailable, timed out, busy). */
        public RetryLater(String reason, Instant notBefore) {
            this(reason, notBefore, false);
        }

        /** The same answer with another retry time (a provider's own rate-limit reset header). */
        public RetryLater withNotBefore(Instant notBefore) {
            return new RetryLater(reason, notBefore, rateLimited);
        }
    }

    /**
     * @param suppression when the provider refused because the address is on its own suppression list: why, as
     *                    {@code hard-bounce}, {@code complaint}, {@code unsubscribe} or {@code provider}; else null.
     *                    The FAILED activity carries it in {@code details.suppression}.
     */
    record Rejected(String reason, String suppression) implements DeliveryOutcome {
        public Rejected(String reason) {
            this(reason, null);
        }
    }
}
