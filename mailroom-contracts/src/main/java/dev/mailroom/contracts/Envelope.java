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
 * @param exchange   for a message sent to one queue, the exchange {@link QueueNames#exchangeOf} names for it
 *                   ({@value QueueNames#MAILBOX_EXCHANGE} for the mailbox, {@code ""}, the default exchange, for
 *                   the others); a fanout exchange's name for a broadcast
 * @param routingKey the queue's name for a message sent to one queue; {@code ""} on a fanout exchange
 * @param <T>        the message record
 */
public record Envelope<T extends QueueMessage>(String type, Class<T> body, String exchange, String routingKey) {
    public Envelope {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
    }

    /** A message sent to {@code queue} through the queue's exchange ({@link QueueNames#exchangeOf}), routing key = queue name. */
    static <T extends QueueMessage> Envelope<T> onQueue(String queue, String type, Class<T> body) {
        return new Envelope<>(type, body, QueueNames.exchangeOf(queue), queue);
    }

    /** A message broadcast on a fanout {@code exchange}: every bound queue gets a copy. */
    static <T extends QueueMessage> Envelope<T> onFanout(String exchange, String type, Class<T> body) {
        return new Envelope<>(type, body, exchange, "");
    }

    /**
     * An answer to a request: sent through the default exchange to the address the request's AMQP
     * {@code reply_to} names (a queue of the asking process, or RabbitMQ's direct reply-to), so it has
     * no fixed queue; routing key {@code ""} here.
     */
    static <T extends QueueMessage> Envelope<T> asReply(String type, Class<T> body) {
        return new Envelope<>(type, body, "", "");
    }

    /** Whether this kind of message is an answer sent to its request's reply-to address ({@link #asReply}). */
    public boolean isReply() {
        return exchange.isEmpty() && routingKey.isEmpty();
    }

    /** Whether this kind of message is sent to {@code queue} (through that queue's exchange). */
    public boolean travelsOn(String queue) {
        return routingKey.equals(queue) && exchange.equals(QueueNames.exchangeOf(queue));
    }

    /**
     * The queue this kind of message is sent to.
     *
     * @throws IllegalStateException for a broadcast, which goes to an exchange and no one queue, and for
     *                               a reply, which goes where its request says
     */
    public String queue() {
        if (isReply()) {
            throw new IllegalStateException(type + " is a reply, sent to its request's reply-to address");
        }
        if (!exchange.equals(QueueNames.exchangeOf(routingKey))) {
            throw new IllegalStateException(
                    type + " is broadcast on the exchange " + exchange + ", not sent to a queue");
        }
        return routingKey;
    }
}
