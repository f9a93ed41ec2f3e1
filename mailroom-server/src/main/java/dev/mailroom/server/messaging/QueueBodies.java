package dev.mailroom.server.messaging;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Envelope;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueMessage;
import org.springframework.amqp.core.Message;

/** Reads queue messages as contract records, checking the versioned type name of their envelope first. */
public final class QueueBodies {
    private QueueBodies() {}

    /**
     * @throws MalformedMessageException when the type is not the envelope's or the body is not a
     *                                   valid record of it: the message is poison
     */
    public static <T extends QueueMessage> T read(Message message, Envelope<T> envelope) {
        String type = message.getMessageProperties().getType();
        if (!envelope.type().equals(type)) {
            throw new MalformedMessageException(
                    "unexpected message type '" + type + "' (expected " + envelope.type() + ")");
        }
        return ContractJson.read(message.getBody(), envelope.body());
    }

    /** The envelope of the message's type, or null for a type the contract does not know. */
    public static Envelope<?> envelopeOf(Message message) {
        return MessageTypes.envelopeOf(message.getMessageProperties().getType());
    }
}
