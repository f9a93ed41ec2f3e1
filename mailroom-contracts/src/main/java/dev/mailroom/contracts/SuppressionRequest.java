package dev.mailroom.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#SUPPRESSION_REQUEST_V1} on {@value QueueNames#CONTROL}: Mailroom's API asks the
 * operator, the only writer of the suppression lists, to add addresses to an organization's list or remove them,
 * and waits for its {@link SuppressionDecision} (AMQP request/reply, like {@link MessageRequest}). The operator
 * carries out a whole request in one transaction.
 *
 * <p>A request the operator takes at or after {@code expiresAt} is not carried out (answered
 * {@link SuppressionDecision#EXPIRED}): the API has answered its caller 503 by then.
 *
 * @param requestId      unique per request; the AMQP message id derives from it
 * @param organizationId whose list
 * @param action         {@link #ADD} or {@link #REMOVE}
 * @param entries        at most {@link #MAX_ENTRIES}; for a removal only the addresses count
 * @param requestedBy    who asked (a key's prefix, a person's email): the entries' {@code created_by}
 * @param requestedAt    when the API asked
 * @param expiresAt      the last moment at which the operator may carry the request out
 */
public record SuppressionRequest(
        UUID requestId,
        String organizationId,
        String action,
        List<Entry> entries,
        String requestedBy,
        Instant requestedAt,
        Instant expiresAt)
        implements QueueMessage {
    /** Put the addresses on the list; one already there keeps its entry. */
    public static final String ADD = "add";
    /** Take the addresses off the list. */
    public static final String REMOVE = "remove";
    /** Entries per request: an import of more goes as several requests. */
    public static final int MAX_ENTRIES = 1000;
    /** The longest note an entry may carry. */
    public static final int MAX_NOTE_LENGTH = 1000;

    /** The reason an added entry takes when it names none. */
    public static final String MANUAL = "manual";
    /** Every reason an entry may carry (the {@code suppressions.reason} column's values). */
    public static final Set<String> REASONS =
            Set.of("hard-bounce", "complaint", "unsubscribe", "soft-bounces", "provider", MANUAL);

    public static final Envelope<SuppressionRequest> ENVELOPE =
            Envelope.onQueue(QueueNames.CONTROL, MessageTypes.SUPPRESSION_REQUEST_V1, SuppressionRequest.class);

    public SuppressionRequest {
        entries = entries == null ? List.of() : List.copyOf(entries);
    }

    /**
     * One address.
     *
     * @param email  the address, in any spelling ({@link Address#normalize} is what is stored)
     * @param reason one of {@link #REASONS}; null: {@link #MANUAL}
     * @param note   the administrator's note, kept in the entry's details; optional
     */
    public record Entry(String email, String reason, String note) {}

    @Override
    public Envelope<SuppressionRequest> envelope() {
        return ENVELOPE;
    }

    /** {@code suppression-request:<request id>}: each request is a fact of its own. */
    @Override
    public String amqpMessageId() {
        return "suppression-request:" + requestId;
    }
}
