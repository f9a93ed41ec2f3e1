package dev.mailroom.server.messaging;

import com.rabbitmq.client.AMQP;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.SettingsSnapshot;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes settings snapshots on the fanout exchange. Not mandatory and not confirmed: with no
 * dispatcher listening nobody needs it, and a lost snapshot is repeated within seconds.
 */
@Component
public class SettingsBroadcast {
    private final RabbitTemplate rabbit;

    SettingsBroadcast(RabbitTemplate rabbit) {
        this.rabbit = rabbit;
    }

    public void publish(SettingsSnapshot snapshot) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .type(snapshot.type())
                .contentType("application/json")
                .messageId(snapshot.amqpMessageId())
                .deliveryMode(1)
                .build();
        byte[] body = ContractJson.write(snapshot);
        // A plain, non-mandatory publish on the channel: the template's mandatory flag is for the queues.
        rabbit.execute(channel -> {
            channel.basicPublish(
                    snapshot.envelope().exchange(), snapshot.envelope().routingKey(), false, props, body);
            return null;
        });
    }
}
