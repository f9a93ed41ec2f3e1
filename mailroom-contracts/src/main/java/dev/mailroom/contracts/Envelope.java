package dev.mailroom.contracts;

import java.util.Objects;

/**
 * Where a kind of queue message travels and under which type name: the AMQP side of a
 * {@link QueueMessage}, declared once by each message record ({@code SubmitMessage.ENVELOPE}, ...).
 * Publishers ask the message for it instead of naming queue and type by hand, and consumers
 * route by it ({@link MessageTypes#envelopeOf}).
 *
 * @param type       the versioned type name, carried in the AMQP {@code type} property
 * @param body       the record its JSON body reads as ({@link ContractJson})
 * @param exchange   {@code ""} (the default exchange) for a message sent to one queue; a fanout
 *                   exchange's name for a broadcast
 * @param routingKey the queue's name on the default exchange; {@code ""} on a fanout exchange
 * @param <T>        the message record
 */
public record Envelope<T extends QueueMessage>(String type, Class<T> body, String exchange, String routingKey) {
    public Envelope {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
    }

    /** A message sent to {@code queue} through the default exchange (routing key = queue name). */
    static <T extends QueueMessage> Envelope<T> onQueue(String queue, String type, Class<T> body) {
        return new Envelope<>(type, body, "", queue);
    }

    /** A message broadcast on a fanout {@code exchange}: every bound queue gets a copy. */
    static <T extends QueueMessage> Envelope<T> onFanout(String exchange, String type, Class<T> body) {
        return new Envelope<>(type, body, exchange, "");
    }

    /** Whether this kind of message is sent to {@code queue} (through the default exchange). */
    public boolean travelsOn(String queue) {
        return exchange.isEmpty() && routingKey.equals(queue);
    }

    /**
     * The queue this kind of message is sent to.
     *
     * @throws IllegalStateException for a broadcast, which goes to an exchange and no one queue
     */
    public String queue() {
        if (!exchange.isEmpty()) {
            throw new IllegalStateException(
                    type + " is broadcast on the exchange " + exchange + ", not sent to a queue");
        }
        return routingKey;
    }
}
