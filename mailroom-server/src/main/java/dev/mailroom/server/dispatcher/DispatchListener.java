package dev.mailroom.server.dispatcher;

import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BatchListenerFactories;
import dev.mailroom.server.messaging.DeadLetterQueue;
import dev.mailroom.server.messaging.Lane;
import dev.mailroom.server.messaging.MessageTracing;
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
    private final MessageTracing tracing;

    DispatchListener(Dispatcher dispatcher, DeadLetterQueue deadLetterQueue, MessageTracing tracing) {
        this.tracing = tracing;
        this.dispatcher = dispatcher;
        this.deadLetterQueue = deadLetterQueue;
    }

    @RabbitListener(
            id = "dispatching",
            queues = QueueNames.DISPATCHING,
            containerFactory = BatchListenerFactories.DISPATCHER)
    void onBatch(List<Message> messages) {
        dispatch(messages, QueueNames.DISPATCHING, Lane.PROMPT);
    }

    /** The bulk lane: consumed apart, with senders of its own, so that the prompt lane never waits behind it. */
    @RabbitListener(
            id = "dispatching-bulk",
            queues = QueueNames.DISPATCHING_BULK,
            containerFactory = BatchListenerFactories.DISPATCHER)
    void onBulkBatch(List<Message> messages) {
        dispatch(messages, QueueNames.DISPATCHING_BULK, Lane.BULK);
    }

    private void dispatch(List<Message> messages, String queue, Lane lane) {
        // A span per email, each in its own trace (MessageTracing); ended when the batch's outcomes are confirmed.
        try (MessageTracing.Batch batch = tracing.batch("dispatcher")) {
            dispatch(messages, queue, lane, batch);
        }
    }

    private void dispatch(List<Message> messages, String queue, Lane lane, MessageTracing.Batch batch) {
        List<DispatchCommand> commands = new ArrayList<>(messages.size());
        for (Message message : messages) {
            try {
                DispatchCommand command = QueueBodies.read(message, DispatchCommand.ENVELOPE);
                if (command.messageId() == null || command.email() == null) {
                    throw new MalformedMessageException("a dispatch command needs a messageId and an email");
                }
                commands.add(command);
                batch.consumed(
                        message,
                        command.messageId(),
                        command.messageId(),
                        command.organizationId(),
                        queue + " process");
            } catch (MalformedMessageException e) {
                deadLetterQueue.send(queue, message, e.getMessage());
            }
        }
        if (!commands.isEmpty()) {
            dispatcher.dispatch(commands, lane);
        }
    }
}
