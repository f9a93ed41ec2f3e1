package dev.mailroom.server.messaging;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.QueueMessage;
import dev.mailroom.contracts.QueueNames;
import java.util.Map;

/**
 * A queue message as it goes on the wire. Made from a {@link QueueMessage} ({@link #of}), which
 * declares its own queue, type and message id; built by hand only where exact bytes must be sent
 * again as they came (dead-lettering an unreadable original, replaying a dead-lettered message).
 *
 * @param messageId the AMQP message_id: the consumer's idempotency key
 * @param type      a versioned type name from {@link dev.mailroom.contracts.MessageTypes}
 * @param body      JSON of the contract record
 * @param headers   extra AMQP headers
 */
public record OutgoingMessage(String queue, String messageId, String type, byte[] body, Map<String, Object> headers) {
    public OutgoingMessage(String queue, String messageId, String type, byte[] body) {
        this(queue, messageId, type, body, Map.of());
    }

    /**
     * The exchange it is published to, with {@link #queue} as routing key: the mailbox's own for the mailbox's
     * lanes (a dead-lettered submission replayed goes the way an application's does), the default one otherwise.
     */
    public String exchange() {
        return QueueNames.exchangeOf(queue);
    }

    /** This message on the bulk lane of its queue ({@link QueueNames#bulkLaneOf}). */
    public OutgoingMessage onBulkLane() {
        return new OutgoingMessage(QueueNames.bulkLaneOf(queue), messageId, type, body, headers);
    }

    /**
     * The message's own envelope and its JSON.
     *
     * @throws IllegalStateException for a broadcast (settings snapshot), which goes to an exchange, not a queue
     */
    public static OutgoingMessage of(QueueMessage message) {
        return new OutgoingMessage(
                message.envelope().queue(), message.amqpMessageId(), message.type(), ContractJson.write(message));
    }
}
