package dev.mailroom.server.operator;

import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BatchListenerFactories;
import java.util.List;
import java.util.Map;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * On RabbitMQ, a message that reached its queue's delivery limit (it kept failing) is
 * dead-lettered by the broker to {@code <queue>.dlq}; the operator moves it into the
 * dead-letter table, where the admin API lists, replays or discards it like any dead-lettered message.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
@ConditionalOnProperty(name = "mailroom.broker.kind", havingValue = "rabbitmq")
class BrokerDeadLetterListener {
    private final DeadLetters deadLetters;

    BrokerDeadLetterListener(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @RabbitListener(
            id = "broker-dead-letters",
            containerFactory = BatchListenerFactories.OPERATOR,
            queues = {
                QueueNames.MAILBOX + ".dlq",
                QueueNames.MAILBOX_BULK + ".dlq",
                QueueNames.DISPATCHING + ".dlq",
                QueueNames.DISPATCHING_BULK + ".dlq",
                QueueNames.TRACKING + ".dlq",
                QueueNames.CONTROL + ".dlq",
                QueueNames.NOTIFICATIONS + ".dlq"
            })
    void onBatch(List<Message> messages) {
        for (Message message : messages) {
            String queue = message.getMessageProperties().getConsumerQueue();
            String original = queue != null && queue.endsWith(".dlq")
                    ? queue.substring(0, queue.length() - 4)
                    : String.valueOf(queue);
            OperatorFailures.pauseOnFailure(() -> deadLetters.add(original, message, reasonOf(message)));
        }
    }

    /** The broker's x-death header says why and how often. */
    private static String reasonOf(Message message) {
        Object xDeath = message.getMessageProperties().getHeaders().get("x-death");
        if (xDeath instanceof List<?> deaths && !deaths.isEmpty() && deaths.get(0) instanceof Map<?, ?> death) {
            return "dead-lettered by the broker (" + death.get("reason") + ", " + death.get("count") + " time(s))"
                    + (message.getMessageProperties().getHeaders().containsKey("x-delivery-count")
                            ? " after "
                                    + message.getMessageProperties()
                                            .getHeaders()
                                            .get("x-delivery-count") + " deliveries"
                            : "");
        }
        return "dead-lettered by the broker (delivery limit reached)";
    }
}
