package dev.mailroom.server.operator;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.messaging.OutgoingMessage;
import java.util.UUID;

/** Builds the queue message that hands one dispatch attempt to the dispatchers. */
final class DispatchCommands {
    private DispatchCommands() {
    }

    static OutgoingMessage of(UUID messageId, String organizationId, int attempt, String provider, Email email) {
        DispatchCommand command = new DispatchCommand(messageId, organizationId, attempt, provider, email);
        // One message_id per attempt: a redelivered command is the same attempt, a retry is not.
        return new OutgoingMessage(QueueNames.DISPATCHING, messageId + ":" + attempt, MessageTypes.DISPATCH_V1, ContractJson.write(command));
    }
}
