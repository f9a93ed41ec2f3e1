package dev.mailroom.server.messaging;

import dev.mailroom.contracts.QueueNames;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.Declarable;
import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The three queues of the Contract. On RabbitMQ they are quorum queues with a delivery limit
 * and a dead-letter queue each, so a message that keeps failing is parked rather than looped.
 * The embedded Qpid broker gets plain durable queues: it does not know those arguments.
 */
@Configuration(proxyBeanMethods = false)
class BrokerTopology {
    static final String DEAD_LETTER_EXCHANGE = "mailroom.dead-letter";

    @Bean
    Declarables mailroomQueues(@Value("${mailroom.broker.kind}") String brokerKind,
                               @Value("${mailroom.broker.delivery-limit:10}") int deliveryLimit) {
        boolean rabbit = "rabbitmq".equals(brokerKind);
        List<Declarable> declarables = new ArrayList<>();
        DirectExchange deadLetters = new DirectExchange(DEAD_LETTER_EXCHANGE, true, false);
        if (rabbit) {
            declarables.add(deadLetters);
        }
        for (String name : List.of(QueueNames.MAILBOX, QueueNames.DISPATCHING, QueueNames.TRACKING)) {
            QueueBuilder builder = QueueBuilder.durable(name);
            if (rabbit) {
                builder.quorum().deliveryLimit(deliveryLimit)
                        .deadLetterExchange(DEAD_LETTER_EXCHANGE).deadLetterRoutingKey(name + ".dlq");
                Queue parked = QueueBuilder.durable(name + ".dlq").quorum().build();
                declarables.add(parked);
                Binding binding = BindingBuilder.bind(parked).to(deadLetters).with(name + ".dlq");
                declarables.add(binding);
            }
            declarables.add(builder.build());
        }
        declarables.add(QueueBuilder.durable(QueueNames.PARKED).build());
        declarables.add(new FanoutExchange(QueueNames.SETTINGS_EXCHANGE, true, false));
        return new Declarables(declarables);
    }
}
