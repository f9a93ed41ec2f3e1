package dev.mailroom.server.operator;

import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BatchListenerFactories;
import dev.mailroom.server.messaging.Parking;
import java.util.List;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/** Stores what dispatchers and webhook sinks parked (they have no database) in the dead-letter table. */
@Component
@ConditionalOnRole(Role.OPERATOR)
class ParkedListener {
    private final DeadLetters deadLetters;

    ParkedListener(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @RabbitListener(id = "parked", queues = QueueNames.PARKED, containerFactory = BatchListenerFactories.OPERATOR)
    void onBatch(List<Message> messages) {
        for (Message message : messages) {
            Object from = message.getMessageProperties().getHeaders().get(Parking.ORIGINAL_QUEUE_HEADER);
            Object reason = message.getMessageProperties().getHeaders().get(Parking.REASON_HEADER);
            OperatorFailures.pauseOnFailure(() -> deadLetters.park(from == null ? QueueNames.PARKED : from.toString(), message,
                    reason == null ? "parked without a reason" : reason.toString()));
        }
    }
}
