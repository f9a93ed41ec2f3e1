package dev.mailroom.server.api;

import dev.mailroom.contracts.CancelMessage;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.InternalKey;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.messaging.OutgoingMessage;
import dev.mailroom.server.messaging.PublishFailedException;
import dev.mailroom.server.security.Caller;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Drops submissions and cancels in the mailbox; returns once the broker has confirmed them. Each is
 * signed with the installation's internal key (the operator refuses what is not signed): the caller
 * was authenticated here, and the body names the caller's organization.
 */
@Component
@ConditionalOnRole(Role.API)
class SubmissionPublisher {
    private final ConfirmedPublisher publisher;
    private final InternalKey internalKey;

    SubmissionPublisher(ConfirmedPublisher publisher, InternalKey internalKey) {
        this.publisher = publisher;
        this.internalKey = internalKey;
    }

    /**
     * Accepts these new submissions of the caller's organization: the one way in for the single submit and
     * for a batch, so that whatever decides per organization which submissions go in (send limits) decides
     * here, for both. Every accepted one is published (all together, one round of confirms) and confirmed
     * by the broker before this returns.
     *
     * @return one outcome per submission, in order: accepted, or refused with a status and a problem
     * @throws PublishFailedException when the broker did not confirm them all (some may be in the mailbox:
     *                                the caller answers 503 and a retry with the same ids records each once)
     */
    List<SubmissionOutcome> submitAll(Caller caller, List<SubmitMessage> messages) {
        if (!messages.isEmpty()) {
            publisher.publishAll(messages, this::proof);
        }
        return messages.stream().map(m -> SubmissionOutcome.accepted(m.id())).toList();
    }

    void cancel(CancelMessage cancel) {
        publisher.publish(cancel, this::proof);
    }

    private Map<String, String> proof(OutgoingMessage wire) {
        try {
            return internalKey.proofOf(wire.messageId(), wire.type(), wire.body());
        } catch (DataAccessException e) {
            // Only before the key was first read: afterwards signing needs no database.
            throw new PublishFailedException("cannot read Mailroom's internal key to sign the message", e);
        }
    }
}
