package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BrokerTest {

    @Test
    void readsTheVhostAndGivesTheClientAUriWithoutTrailingSlash() {
        Broker broker = Broker.rabbitMq("amqp://mailroom:secret@127.0.0.1:5672/mailroom-bench");
        assertThat(broker.vhost()).isEqualTo("mailroom-bench");
        assertThat(broker.user()).isEqualTo("mailroom");
        assertThat(broker.uri()).isEqualTo("amqp://mailroom:secret@127.0.0.1:5672/mailroom-bench");
    }

    @Test
    void theDefaultVhostIsLeftOutOfTheUri() {
        Broker broker = Broker.rabbitMq("amqp://guest:guest@127.0.0.1:5673");
        assertThat(broker.vhost()).isEqualTo("/");
        assertThat(broker.uri()).isEqualTo("amqp://guest:guest@127.0.0.1:5673");
    }

    @Test
    void theDatabaseNameComesFromThePathOfTheUrl() {
        assertThat(new Database("jdbc:postgresql://127.0.0.1:5432/mailroom_bench?reWriteBatchedInserts=true", "u", "p").name())
                .isEqualTo("mailroom_bench");
    }
}
