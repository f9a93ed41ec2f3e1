package dev.mailroom.server.messaging;

import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.MailroomProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The queues of the Contract. On RabbitMQ the work queues (mailbox, dispatching, tracking and
 * Mailroom's own control and notifications queues) are quorum queues with a delivery limit and a dead-letter queue
 * each, so a message that keeps failing is dead-lettered rather than looped; the operator moves what
 * lands in those {@code .dlq} queues into its dead-letter table.
 *
 * <p>{@value QueueNames#DEAD_LETTERS} is where processes without a database dead-letter poison for the
 * operator to store. It is a quorum queue too, with the same delivery limit and a dead-letter
 * queue of its own, {@code mailroom.dead-letters.dlq}, which nobody consumes: the last resort for a
 * message the operator cannot store, kept for a person to inspect instead of looping. It is also
 * bounded ({@value #DEAD_LETTERS_MAX_LENGTH} messages) with {@code reject-publish}: past the bound the
 * broker refuses (nacks) a dead-letter, the dead-lettering dispatcher does not acknowledge its own message, and
 * that message reaches its queue's delivery limit and {@code .dlq}, from where the operator
 * stores it. So a flood of poison cannot grow the dead-letter queue without end, and nothing is
 * dropped ({@code drop-head} would drop the oldest; a length limit without reject would too).
 *
 * <p>The mailbox's lanes are reached through an exchange of their own, {@value QueueNames#MAILBOX_EXCHANGE}
 * (direct, durable; routing key = queue name), so that a broker user confined to writing on it can reach nothing
 * else (RabbitMQ authorizes a publish by its exchange only). It has no alternate exchange: a publish with a wrong
 * routing key is returned to a mandatory publisher (every Mailroom publisher and the Java client publish mandatory)
 * rather than routed to a queue a confined application could then fill; the default exchange still reaches the
 * mailbox for older clients. Declared on both brokers; on the embedded one the prompt lane is bound with the routing
 * key {@code ""} as well, since Qpid's default exchange hands a publish to "mailroom.mailbox" to the exchange of that
 * name with that key.
 *
 * <p>Every {@code .dlq} is a quorum queue with the same explicit delivery limit, dead-lettering in turn to
 * {@code mailroom.dead-letters.dlq} (a {@code .dlq} message the operator cannot store, delivery after delivery), so
 * no queue is left to a broker default: RabbitMQ 4.x gives a quorum queue without {@code x-delivery-limit} a limit of
 * 20 and drops what passes it unless a dead-letter route is set. See {@link #deadLetterQueueOf}.
 *
 * <p>Not every queue is durable: each dispatcher's presence queue and settings queue (dispatcher.QuotaBeans,
 * dispatcher.SettingsListener) are exclusive, auto-delete classic queues, which a quorum queue cannot be. They hold
 * no accepted mail, only broadcasts that are repeated every few seconds (heartbeats, back-offs, settings snapshots),
 * and are declared again on the node a dispatcher reconnects to.
 *
 * <p>The embedded Qpid broker gets plain durable queues: it does not know those arguments.
 */
@Configuration(proxyBeanMethods = false)
public class BrokerTopology {
    /**
     * Dispatchers' presence (heartbeats) and shared back-offs: a fanout exchange where every dispatcher
     * binds a queue of its own (see dispatcher.DispatcherPresence). Not part of the Contract.
     */
    public static final String DISPATCHERS_EXCHANGE = "mailroom.dispatchers";

    static final String DEAD_LETTER_EXCHANGE = "mailroom.dead-letter";
    static final int DEAD_LETTERS_MAX_LENGTH = 100_000;
    /** Where every {@code .dlq} dead-letters in turn; nobody consumes it (see {@link #deadLetterQueueOf}). */
    static final String LAST_RESORT = QueueNames.DEAD_LETTERS + ".dlq";

    static final int LAST_RESORT_DELIVERY_LIMIT = 1_000_000;

    @Bean
    Declarables mailroomQueues(MailroomProperties properties) {
        boolean rabbit = properties.broker().isRabbitMq();
        int deliveryLimit = properties.broker().deliveryLimit();
        List<Declarable> declarables = new ArrayList<>();
        DirectExchange deadLetters = new DirectExchange(DEAD_LETTER_EXCHANGE, true, false);
        if (rabbit) {
            declarables.add(deadLetters);
        }
        declarables.add(new DirectExchange(QueueNames.MAILBOX_EXCHANGE, true, false));
        for (String name : List.of(
                QueueNames.MAILBOX,
                QueueNames.MAILBOX_BULK,
                QueueNames.DISPATCHING,
                QueueNames.DISPATCHING_BULK,
                QueueNames.TRACKING,
                QueueNames.CONTROL,
                QueueNames.NOTIFICATIONS,
                QueueNames.DEAD_LETTERS)) {
            QueueBuilder builder = QueueBuilder.durable(name);
            if (rabbit) {
                builder.quorum()
                        .deliveryLimit(deliveryLimit)
                        .deadLetterExchange(DEAD_LETTER_EXCHANGE)
                        .deadLetterRoutingKey(name + ".dlq");
                if (QueueNames.DEAD_LETTERS.equals(name)) {
                    builder.maxLength(DEAD_LETTERS_MAX_LENGTH).overflow(QueueBuilder.Overflow.rejectPublish);
                }
                declarables.add(deadLetterQueueOf(name, deliveryLimit));
                declarables.add(new Binding(
                        name + ".dlq", Binding.DestinationType.QUEUE, DEAD_LETTER_EXCHANGE, name + ".dlq", null));
            }
            Queue queue = builder.build();
            declarables.add(queue);
            // Queues published to through an exchange of their own (the mailbox's lanes) are bound to it under
            // their name; the default exchange reaches every queue anyway.
            String exchange = QueueNames.exchangeOf(name);
            if (!exchange.isEmpty()) {
                declarables.add(new Binding(name, Binding.DestinationType.QUEUE, exchange, name, null));
                if (!rabbit && exchange.equals(name)) {
                    // Qpid's default exchange reads a routing key as an exchange's name before a queue's, and then
                    // routes with the key "": an older client's publish through the default exchange to the mailbox
                    // reaches the exchange of the same name with "", and would be dropped without this binding.
                    declarables.add(new Binding(name, Binding.DestinationType.QUEUE, exchange, "", null));
                }
            }
        }
        declarables.add(new FanoutExchange(QueueNames.SETTINGS_EXCHANGE, true, false));
        declarables.add(new FanoutExchange(DISPATCHERS_EXCHANGE, true, false));
        return new Declarables(declarables);
    }

    /**
     * The {@code .dlq} of {@code queue} on RabbitMQ: quorum, with the same explicit delivery limit, dead-lettering to
     * the last resort {@value #LAST_RESORT}. The last resort itself has no dead-letter route (it is the end of every
     * route: one back to itself would be a cycle, which RabbitMQ drops) and a delivery limit no consumer reaches
     * ({@value #LAST_RESORT_DELIVERY_LIMIT}): nobody consumes it, and a person who reads it with requeue returns each
     * message once per look. The limit is explicit because RabbitMQ 4 gives a quorum queue without one a limit of 20,
     * and drops what passes it where no dead-letter route is set; RabbitMQ 3.x has no default limit, and refuses
     * {@code -1} (4.x's "unlimited"), so a large explicit number is what both accept.
     */
    static Queue deadLetterQueueOf(String queue, int deliveryLimit) {
        String name = queue + ".dlq";
        QueueBuilder dlq = QueueBuilder.durable(name).quorum();
        if (LAST_RESORT.equals(name)) {
            dlq.deliveryLimit(LAST_RESORT_DELIVERY_LIMIT);
        } else {
            dlq.deliveryLimit(deliveryLimit)
                    .deadLetterExchange(DEAD_LETTER_EXCHANGE)
                    .deadLetterRoutingKey(LAST_RESORT);
        }
        return dlq.build();
    }
}
