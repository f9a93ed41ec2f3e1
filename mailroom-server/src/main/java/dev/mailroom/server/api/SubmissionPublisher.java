package dev.mailroom.server.api;

import dev.mailroom.contracts.CancelMessage;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.messaging.OutgoingMessage;
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
        publisher.publish(new OutgoingMessage(QueueNames.MAILBOX, message.id().toString(), MessageTypes.SUBMIT_V1, ContractJson.write(message)));
    }

    void cancel(CancelMessage cancel) {
        publisher.publish(new OutgoingMessage(QueueNames.MAILBOX, "cancel:" + cancel.messageId(), MessageTypes.CANCEL_V1, ContractJson.write(cancel)));
    }
}
