package dev.mailroom.server.dispatcher;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BrokerTopology;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.UUID;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The dispatcher's presence queue on {@value BrokerTopology#DISPATCHERS_EXCHANGE} and its shared quotas. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.DISPATCHER)
class QuotaBeans {
    // A plain exclusive auto-delete queue (not AnonymousQueue, whose x-queue-leader-locator
    // RabbitMQ 3.10 refuses for classic queues), as for the settings broadcasts.
    @Bean
    static Queue dispatcherPresenceQueue() {
        return new Queue("mailroom.dispatchers." + UUID.randomUUID(), false, true, true);
    }

    @Bean
    static Binding dispatcherPresenceBinding(Queue dispatcherPresenceQueue) {
        return BindingBuilder.bind(dispatcherPresenceQueue)
                .to(new FanoutExchange(BrokerTopology.DISPATCHERS_EXCHANGE, true, false));
    }

    @Bean
    ProviderQuotas providerQuotas(MailroomProperties properties, Clock clock, MeterRegistry meters) {
        PeerView peers = new PeerView(
                UUID.randomUUID().toString(), properties.dispatcher().quota().heartbeat(), System::nanoTime);
        meters.gauge("mailroom.dispatch.dispatchers.live", peers, p -> p.live().size());
        return new ProviderQuotas(properties.dispatcher(), peers, clock, ProviderQuotas.Ticker.SYSTEM, meters);
    }
}
