package dev.mailroom.server.messaging;

import java.util.Map;

/**
 * A queue message about to be published.
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
}
