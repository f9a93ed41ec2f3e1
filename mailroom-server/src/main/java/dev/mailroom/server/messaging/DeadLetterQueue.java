package dev.mailroom.server.messaging;

import dev.mailroom.contracts.QueueNames;
import java.util.Map;
import java.util.UUID;
import org.springframework.amqp.core.Message;
import org.springframework.stereotype.Component;

/**
 * Sends a queue message that cannot be processed to {@value QueueNames#DEAD_LETTERS}, with the reason,
 * for components that have no database to dead-letter it in themselves. The publish is confirmed like
 * every other: the original is acknowledged only once its dead-lettered copy is safe.
 */
@Component
public class DeadLetterQueue {
    public static final String REASON_HEADER = "x-mailroom-dead-letter-reason";
    public static final String ORIGINAL_QUEUE_HEADER = "x-mailroom-original-queue";
    /** A reason quotes what was wrong; a bound keeps it a header, not a second body. */
    private static final int MAX_REASON = 2000;

    private final ConfirmedPublisher publisher;

    DeadLetterQueue(ConfirmedPublisher publisher) {
        this.publisher = publisher;
    }

    public void send(String fromQueue, Message original, String reason) {
        String messageId = original.getMessageProperties().getMessageId();
        byte[] body = original.getBody() == null ? new byte[0] : original.getBody();
        // Without an id of its own, the dead-lettered copy is named by its content: two different messages
        // without ids stay two dead letters (one shared name would store only the first).
        String deadLetterId = messageId == null ? "no-id:" + UUID.nameUUIDFromBytes(body) : messageId;
        String why = reason == null || reason.isBlank() ? "no reason given" : reason;
        // Raw: the original's own bytes and type, whatever they are (it may not be readable at all).
        publisher.publishRaw(new OutgoingMessage(
                QueueNames.DEAD_LETTERS,
                deadLetterId,
                original.getMessageProperties().getType(),
                body,
                Map.of(
                        REASON_HEADER,
                        why.length() <= MAX_REASON ? why : why.substring(0, MAX_REASON) + "…",
                        ORIGINAL_QUEUE_HEADER,
                        fromQueue == null ? "unknown" : fromQueue)));
    }
}
