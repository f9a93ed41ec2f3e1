package dev.mailroom.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.Address;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java client's address list: a RabbitMQ cluster's nodes, each host or host:port. */
class AmqpAddressesTest {

    @Test
    void eachNodeIsHostOrHostAndPortAndAMissingPortIsTheUris() {
        assertThat(AmqpSubmitter.parseAddresses(Arrays.asList("node-1:5673", " node-2 ", "", null), 5672))
                .containsExactly(new Address("node-1", 5673), new Address("node-2", 5672));
    }

    @Test
    void anUnreadableNodeIsRefusedBeforeAnyConnectionNamingIt() {
        MailroomClient.Builder builder = MailroomClient.builder()
                .apiKey("k")
                .amqp("amqp://app:secret@127.0.0.1:1/vhost")
                .amqpAddresses("127.0.0.1:1", "node-2:notaport");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'node-2:notaport' is not host or host:port");
        assertThatThrownBy(() -> AmqpSubmitter.parseAddresses(List.of("node-1:70000"), 5672))
                .hasMessageContaining("'node-1:70000' has no valid port");
        assertThatThrownBy(() -> AmqpSubmitter.parseAddresses(List.of("amqp://u:p@node-1:5672"), 5672))
                .hasMessageContaining("is not host or host:port");
    }
}
