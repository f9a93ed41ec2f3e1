package dev.mailroom.bench.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfrastructureTest {
    @Test
    void defaultsAreTheCiServices() {
        Infrastructure infra = Infrastructure.fromEnvironment(Map.of());

        assertThat(infra.broker().uri()).isEqualTo("amqp://mailroom:mailroom@127.0.0.1:5672");
        assertThat(infra.database().url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/mailroom");
        assertThat(infra.database().name()).isEqualTo("mailroom");
    }

    @Test
    void anotherVhostAndDatabaseKeepEverythingElse() {
        Infrastructure infra = Infrastructure.fromEnvironment(
                        Map.of("SPRING_DATASOURCE_URL", "jdbc:postgresql://db:5433/app?sslmode=disable"))
                .isolatedIn("mailroom-faults", "mailroom_faults");

        assertThat(infra.broker().uri()).isEqualTo("amqp://mailroom:mailroom@127.0.0.1:5672/mailroom-faults");
        assertThat(infra.broker().mailroomArgs()).contains("--spring.rabbitmq.virtual-host=mailroom-faults");
        assertThat(infra.database().url()).isEqualTo("jdbc:postgresql://db:5433/mailroom_faults?sslmode=disable");
        assertThat(infra.database().name()).isEqualTo("mailroom_faults");
    }

    @Test
    void onlyRolesWithADatabaseAreGivenIt() {
        Infrastructure infra =
                Infrastructure.of("amqp://u:p@127.0.0.1:5672/v", "jdbc:postgresql://127.0.0.1:5432/d", "u", "p");

        assertThat(infra.mailroomArgs("operator"))
                .contains("--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/d");
        assertThat(infra.mailroomArgs("api,webhooks"))
                .contains("--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/d");
        // The notifier records its deliveries and attempts.
        assertThat(infra.mailroomArgs("notifier"))
                .contains("--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/d");
        assertThat(infra.mailroomArgs("dispatcher")).noneMatch(a -> a.startsWith("--spring.datasource"));
        assertThat(infra.mailroomArgs("webhooks")).noneMatch(a -> a.startsWith("--spring.datasource"));
        assertThat(infra.mailroomArgs("dispatcher")).contains("--spring.rabbitmq.virtual-host=v");
    }

    @Test
    void theEmbeddedSetupReadsTheH2FileUnderTheProcesssDataDirectory(@TempDir Path runDir) {
        Path dataDir = MailroomCluster.dataDir(runDir, "mailroom");
        Infrastructure infra = Infrastructure.embedded(5999, dataDir);

        assertThat(infra.isEmbedded()).isTrue();
        assertThat(infra.database().url())
                .startsWith("jdbc:h2:file:" + dataDir.resolve("db").resolve("mailroom") + ";")
                .contains("AUTO_SERVER=TRUE");
        assertThat(infra.mailroomArgs("api,webhooks,operator,dispatcher"))
                .contains(
                        "--mailroom.embedded.amqp-port=5999",
                        "--spring.datasource.url=" + infra.database().url(),
                        "--spring.datasource.username=sa");
    }
}
