package dev.mailroom.server.messaging;

import dev.mailroom.contracts.QueueNames;
import java.util.Map;
import org.springframework.amqp.core.Message;
import org.springframework.stereotype.Component;

/**
 * Sends a queue message that cannot be processed to {@value QueueNames#PARKED}, with the reason,
 * for components that have no database to park it in themselves. The publish is confirmed like
 * every other: the original is acknowledged only once its parked copy is safe.
 */
@Component
public class Parking {
    public static final String REASON_HEADER = "x-mailroom-parked-reason";
    public static final String ORIGINAL_QUEUE_HEADER = "x-mailroom-original-queue";

    private final ConfirmedPublisher publisher;

    Parking(ConfirmedPublisher publisher) {
        this.publisher = publisher;
    }

    public void park(String fromQueue, Message original, String reason) {
        String messageId = original.getMessageProperties().getMessageId();
        publisher.publish(new OutgoingMessage(QueueNames.PARKED, messageId == null ? "unknown" : messageId,
                original.getMessageProperties().getType(), original.getBody(),
                Map.of(REASON_HEADER, reason, ORIGINAL_QUEUE_HEADER, fromQueue)));
    }
}
