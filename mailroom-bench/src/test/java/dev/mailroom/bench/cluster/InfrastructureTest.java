package dev.mailroom.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InfrastructureTest {
    @Test
    void defaultsAreTheCiServices() {
        Infrastructure infra = Infrastructure.fromEnvironment(Map.of());

        assertThat(infra.amqpUri()).isEqualTo("amqp://mailroom:mailroom@127.0.0.1:5672");
        assertThat(infra.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/mailroom");
        assertThat(infra.database()).isEqualTo("mailroom");
    }

    @Test
    void anotherVhostAndDatabaseKeepEverythingElse() {
        Infrastructure infra = Infrastructure.fromEnvironment(Map.of("SPRING_DATASOURCE_URL", "jdbc:postgresql://db:5433/app?sslmode=disable"))
                .withVhost("mailroom-faults").withDatabase("mailroom_faults");

        assertThat(infra.amqpUri()).isEqualTo("amqp://mailroom:mailroom@127.0.0.1:5672/mailroom-faults");
        assertThat(infra.rabbitArgs()).contains("--spring.rabbitmq.virtual-host=mailroom-faults");
        assertThat(infra.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/mailroom_faults?sslmode=disable");
        assertThat(infra.database()).isEqualTo("mailroom_faults");
    }
}
