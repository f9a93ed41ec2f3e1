package dev.mailroom.server.messaging;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.MalformedMessageException;
import org.springframework.amqp.core.Message;

/** Reads queue messages as contract records, checking the versioned type name first. */
public final class QueueBodies {
    private QueueBodies() {
    }

    /**
     * @throws MalformedMessageException when the type is not {@code expectedType} or the body
     *                                   is not a valid record: the message is poison
     */
    public static <T> T read(Message message, String expectedType, Class<T> record) {
        String type = message.getMessageProperties().getType();
        if (!expectedType.equals(type)) {
            throw new MalformedMessageException("unexpected message type '" + type + "' (expected " + expectedType + ")");
        }
        return ContractJson.read(message.getBody(), record);
    }
}
