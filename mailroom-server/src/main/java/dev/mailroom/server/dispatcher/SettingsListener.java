package dev.mailroom.server.dispatcher;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.SettingsSnapshot;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Every dispatcher process listens to the settings broadcasts on a queue of its own (server-named,
 * exclusive, gone when the process is), so each one hears every change.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.DISPATCHER)
class SettingsListener {
    private static final Logger log = LoggerFactory.getLogger(SettingsListener.class);
    private final DefaultProvider defaultProvider;
    private final FailoverOrder failoverOrder;

    SettingsListener(DefaultProvider defaultProvider, FailoverOrder failoverOrder) {
        this.defaultProvider = defaultProvider;
        this.failoverOrder = failoverOrder;
    }

    // Static: the listener's own queue expression must not need the listener bean first.
    // A plain exclusive auto-delete queue, not AnonymousQueue: that one carries an
    // x-queue-leader-locator argument which RabbitMQ 3.10 refuses for classic queues.
    @Bean
    static Queue dispatcherSettingsQueue() {
        return new Queue("mailroom.settings." + UUID.randomUUID(), false, true, true);
    }

    @Bean
    static Binding dispatcherSettingsBinding(Queue dispatcherSettingsQueue) {
        return BindingBuilder.bind(dispatcherSettingsQueue)
                .to(new FanoutExchange(QueueNames.SETTINGS_EXCHANGE, true, false));
    }

    @RabbitListener(id = "settings", queues = "#{dispatcherSettingsQueue.name}")
    void onSnapshot(Message message) {
        if (!SettingsSnapshot.ENVELOPE
                .type()
                .equals(message.getMessageProperties().getType())) {
            log.warn(
                    "Ignoring a settings message of type {}",
                    message.getMessageProperties().getType());
            return;
        }
        try {
            SettingsSnapshot snapshot = ContractJson.read(message.getBody(), SettingsSnapshot.ENVELOPE.body());
            defaultProvider.follow(snapshot);
            failoverOrder.follow(snapshot);
        } catch (MalformedMessageException e) {
            // Snapshots are repeated every few seconds; an unreadable one is dropped, not dead-lettered.
            log.warn("Ignoring an unreadable settings snapshot: {}", e.getMessage());
        }
    }
}
