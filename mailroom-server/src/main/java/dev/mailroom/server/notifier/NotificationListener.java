package dev.mailroom.server.notifier;

import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.Notification;
import dev.mailroom.contracts.NotificationBatch;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.DeadLetterQueue;
import dev.mailroom.server.messaging.QueueBodies;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@value QueueNames#NOTIFICATIONS} in batches. The batch is acknowledged once every delivery of it is
 * written (delivered, or pending for the retry loop); if that fails, the batch goes back to the queue and is delivered
 * again under the same webhook-ids (what was delivered already is not sent twice). Unreadable messages are
 * dead-lettered for the operator to store.
 */
@Component
@ConditionalOnRole(Role.NOTIFIER)
class NotificationListener {
    private final Notifier notifier;
    private final DeadLetterQueue deadLetterQueue;

    NotificationListener(Notifier notifier, DeadLetterQueue deadLetterQueue) {
        this.notifier = notifier;
        this.deadLetterQueue = deadLetterQueue;
    }

    @RabbitListener(
            id = "notifications",
            queues = QueueNames.NOTIFICATIONS,
            containerFactory = NotifierDatabase.LISTENER_FACTORY)
    void onBatch(List<Message> messages) {
        List<Notification> notifications = new ArrayList<>();
        for (Message message : messages) {
            try {
                notifications.addAll(
                        QueueBodies.read(message, NotificationBatch.ENVELOPE).notifications());
            } catch (MalformedMessageException e) {
                deadLetterQueue.send(QueueNames.NOTIFICATIONS, message, e.getMessage());
            }
        }
        if (!notifications.isEmpty()) {
            notifier.deliver(notifications);
        }
    }
}
