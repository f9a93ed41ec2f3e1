package dev.mailroom.server.dispatcher;

import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BatchListenerFactories;
import dev.mailroom.server.messaging.DeadLetterQueue;
import dev.mailroom.server.messaging.QueueBodies;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/** Consumes dispatch commands in batches; unreadable ones are dead-lettered for the operator to store. */
@Component
@ConditionalOnRole(Role.DISPATCHER)
class DispatchListener {
    private final Dispatcher dispatcher;
    private final DeadLetterQueue deadLetterQueue;

    DispatchListener(Dispatcher dispatcher, DeadLetterQueue deadLetterQueue) {
        this.dispatcher = dispatcher;
        this.deadLetterQueue = deadLetterQueue;
    }

    @RabbitListener(
            id = "dispatching",
            queues = QueueNames.DISPATCHING,
            containerFactory = BatchListenerFactories.DISPATCHER)
    void onBatch(List<Message> messages) {
        List<DispatchCommand> commands = new ArrayList<>(messages.size());
        for (Message message : messages) {
            try {
                DispatchCommand command = QueueBodies.read(message, DispatchCommand.ENVELOPE);
                if (command.messageId() == null || command.email() == null) {
                    throw new MalformedMessageException("a dispatch command needs a messageId and an email");
                }
                commands.add(command);
            } catch (MalformedMessageException e) {
                deadLetterQueue.send(QueueNames.DISPATCHING, message, e.getMessage());
            }
        }
        if (!commands.isEmpty()) {
            dispatcher.dispatch(commands);
        }
    }
}
