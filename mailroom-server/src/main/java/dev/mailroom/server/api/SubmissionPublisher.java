package dev.mailroom.server.api;

import dev.mailroom.contracts.QueueMessage;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.InternalKey;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.messaging.PublishFailedException;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Drops submissions in the mailbox (cancels are the operator's decision: OperatorRequests); returns once the broker has confirmed them. Each is
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

    void submit(SubmitMessage message) {
        signed(message);
    }

    private void signed(QueueMessage message) {
        publisher.publish(message, wire -> {
            try {
                return internalKey.proofOf(wire.messageId(), wire.type(), wire.body());
            } catch (DataAccessException e) {
                // Only before the key was first read: afterwards signing needs no database.
                throw new PublishFailedException("cannot read Mailroom's internal key to sign the message", e);
            }
        });
    }
}
