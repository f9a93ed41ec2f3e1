package dev.mailroom.server.operator;

import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BatchListenerFactories;
import dev.mailroom.server.messaging.DeadLetterQueue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Stores what dispatchers and webhook sinks dead-lettered (they have no database) in the dead-letter
 * table. Anyone with access to the broker can publish here, so the headers are not trusted to be
 * short, textual or present: {@link DeadLetters} makes them fit. Storing cannot fail but for a
 * database outage, which is waited out with the batch held; should a row be refused all the same,
 * the batch goes back, and on RabbitMQ the queue's delivery limit then moves the message to
 * {@code mailroom.dead-letters.dlq} rather than letting it loop.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class DeadLetterQueueListener {
    /** A header longer than the AMQP converter's limit arrives as a stream: read this much of it. */
    private static final int MAX_HEADER_BYTES = 8192;

    private final DeadLetters deadLetters;

    DeadLetterQueueListener(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @RabbitListener(
            id = "dead-letters",
            queues = QueueNames.DEAD_LETTERS,
            containerFactory = BatchListenerFactories.OPERATOR)
    void onBatch(List<Message> messages) {
        OperatorFailures.pauseOnFailure(() -> {
            for (Message message : messages) {
                String from = headerText(
                        message.getMessageProperties().getHeaders().get(DeadLetterQueue.ORIGINAL_QUEUE_HEADER));
                String reason =
                        headerText(message.getMessageProperties().getHeaders().get(DeadLetterQueue.REASON_HEADER));
                deadLetters.add(
                        from == null || from.isBlank() ? QueueNames.DEAD_LETTERS : from,
                        message,
                        reason == null ? "dead-lettered without a reason" : reason);
            }
        });
    }

    private static String headerText(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof InputStream stream) {
            try {
                return new String(stream.readNBytes(MAX_HEADER_BYTES), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(unreadable header)";
            }
        }
        return value.toString();
    }
}
