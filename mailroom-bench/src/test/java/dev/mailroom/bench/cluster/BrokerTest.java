package dev.mailroom.bench.cluster;

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
    void mailroomIsPointedAtRabbitMqWithTheVhostOnlyWhenItIsNotTheDefault() {
        assertThat(Broker.rabbitMq("amqp://u:p@rabbit:5673/mailroom-faults").mailroomArgs())
                .containsExactly(
                        "--spring.rabbitmq.host=rabbit",
                        "--spring.rabbitmq.port=5673",
                        "--spring.rabbitmq.username=u",
                        "--spring.rabbitmq.password=p",
                        "--spring.rabbitmq.virtual-host=mailroom-faults");
        assertThat(Broker.rabbitMq("amqp://u:p@rabbit:5673").mailroomArgs()).noneMatch(a -> a.contains("virtual-host"));
    }

    @Test
    void anEmbeddedBrokerIsStartedByMailroomWithTheBenchsCredentials() {
        Broker embedded = Broker.embedded(5999);
        assertThat(embedded.rabbitMq()).isFalse();
        assertThat(embedded.mailroomArgs())
                .containsExactly(
                        "--mailroom.embedded.amqp-port=5999",
                        "--spring.rabbitmq.username=bench",
                        "--spring.rabbitmq.password=" + embedded.password());
        assertThat(embedded.uri()).isEqualTo("amqp://bench:" + embedded.password() + "@127.0.0.1:5999");
    }

    @Test
    void theDatabaseNameComesFromThePathOfTheUrl() {
        assertThat(new Database("jdbc:postgresql://127.0.0.1:5432/mailroom_bench?reWriteBatchedInserts=true", "u", "p")
                        .name())
                .isEqualTo("mailroom_bench");
    }
}
