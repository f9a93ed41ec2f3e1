package dev.mailroom.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#ERASURE_REQUEST_V1} on {@value QueueNames#CONTROL}: an administrator asked Mailroom to
 * erase one email address's personal data from an organization's history (the right to erasure). The API validates
 * and publishes it; the operator, the only writer of the history, records it (an audit row without the address) and
 * carries it out in batches. Nobody waits for an answer: the state is read back by the erasure's id.
 *
 * <p>Erased values are replaced by {@link #ERASED_ADDRESS} (where an address must stay, such as a recipient row that
 * keeps its status and member) and {@link #ERASED_TEXT} (in text). The address stays suppressed through a keyed hash,
 * never the address itself.
 *
 * @param erasureId      unique per request: the audit row's id and the AMQP message id derive from it
 * @param organizationId whose history; other organizations' rows are never touched
 * @param email          the address, in any spelling ({@link Address#normalize} is what is erased)
 * @param requestedBy    who asked, without personal data: a key's prefix, or {@code user:<id>} for a person
 * @param requestedAt    when the API took the request
 */
public record ErasureRequest(
        UUID erasureId, String organizationId, String email, String requestedBy, Instant requestedAt)
        implements QueueMessage {
    /**
     * What an erased address becomes where a row must keep one (a recipient, an activity's recipient): a reserved
     * address ({@code .invalid}, RFC 2606) that Mailroom never sends to.
     */
    public static final String ERASED_ADDRESS = "erased@erased.invalid";
    /** What erased text (a name, an address inside a subject or a body, a bounce reply) becomes. */
    public static final String ERASED_TEXT = "[erased]";

    public static final Envelope<ErasureRequest> ENVELOPE =
            Envelope.onQueue(QueueNames.CONTROL, MessageTypes.ERASURE_REQUEST_V1, ErasureRequest.class);

    @Override
    public Envelope<ErasureRequest> envelope() {
        return ENVELOPE;
    }

    /** {@code erasure-request:<erasure id>}: a redelivered or republished request is the same erasure. */
    @Override
    public String amqpMessageId() {
        return "erasure-request:" + erasureId;
    }
}
