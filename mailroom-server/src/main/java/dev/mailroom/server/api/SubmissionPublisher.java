package dev.mailroom.server.api;

import dev.mailroom.contracts.CancelMessage;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import org.springframework.stereotype.Component;

/** Drops submissions and cancels in the mailbox; returns once the broker has confirmed them. */
@Component
@ConditionalOnRole(Role.API)
class SubmissionPublisher {
    private final ConfirmedPublisher publisher;

    SubmissionPublisher(ConfirmedPublisher publisher) {
        this.publisher = publisher;
    }

    void submit(SubmitMessage message) {
        publisher.publish(message);
    }

    void cancel(CancelMessage cancel) {
        publisher.publish(cancel);
    }
}
