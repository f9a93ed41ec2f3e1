package dev.mailroom.server.providers;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a provider said to a send: taken, try again later, or refused for good, for the message
 * as a whole, or ({@link PerRecipient}) a verdict for each recipient.
 */
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

    /**
     * The provider judged the recipients one by one and not all alike (an SMTP relay answers each
     * RCPT TO: it may take the email for some recipients and refuse others, for now or for good).
     * Only the smtp provider answers this; every other outcome is about the whole message.
     *
     * @param providerMessageId the id the accepted recipients' copy went under; null when no
     *                          recipient was accepted (nothing was sent)
     * @param recipients        one verdict per recipient of the email, in the email's order, each
     *                          recipient once
     */
    record PerRecipient(String providerMessageId, List<RecipientOutcome> recipients) implements DeliveryOutcome {
        public PerRecipient {
            recipients = List.copyOf(recipients);
            if (recipients.isEmpty()) {
                throw new IllegalArgumentException("a per-recipient outcome needs at least one recipient");
            }
        }

        /** True if the provider took the email for at least one recipient. */
        public boolean anyAccepted() {
            return recipients.stream().anyMatch(r -> r.verdict() == RecipientVerdict.ACCEPTED);
        }
    }

    /** What the provider said about one recipient. */
    enum RecipientVerdict {
        /** Taken for this recipient. */
        ACCEPTED,
        /** Refused for now (SMTP 4xx): this recipient may be tried again. */
        DEFERRED,
        /** Refused for good (SMTP 5xx): a hard bounce. */
        BOUNCED
    }

    /**
     * @param recipient the address as the email gives it
     * @param reason    for a refusal, what the provider said (the relay's reply line); null when accepted
     * @param smtpCode  for a refusal, the reply code when there is one (550, 450, ...); else null
     */
    record RecipientOutcome(String recipient, RecipientVerdict verdict, String reason, Integer smtpCode) {
        public RecipientOutcome {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(verdict, "verdict");
        }

        public static RecipientOutcome accepted(String recipient) {
            return new RecipientOutcome(recipient, RecipientVerdict.ACCEPTED, null, null);
        }

        public static RecipientOutcome deferred(String recipient, String reason, Integer smtpCode) {
            return new RecipientOutcome(recipient, RecipientVerdict.DEFERRED, reason, smtpCode);
        }

        public static RecipientOutcome bounced(String recipient, String reason, Integer smtpCode) {
            return new RecipientOutcome(recipient, RecipientVerdict.BOUNCED, reason, smtpCode);
        }
    }
}
