package dev.mailroom.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.server.support.ApiClient;
import dev.mailroom.server.support.EmbeddedContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Where the API reads the email history (HistoryReads). A real replica is ReplicaReadsIT's (PostgreSQL, processes);
 * here the "replica" is a second pool on the embedded database, set by {@code mailroom.api.datasource.username}
 * alone (the URL falls back to the main one's), which is enough to see which pool each request reads through.
 */
class HistoryReadsTest {
    private final List<ConfigurableApplicationContext> running = new ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void withoutApiDatasourceSettingsTheHistoryIsReadFromTheMainDatasource() {
        ConfigurableApplicationContext mailroom = start(List.of());
        HistoryReads.Source source = mailroom.getBean(HistoryReads.Source.class);
        assertThat(source.replica()).isNull();
        assertThat(source.dataSource()).isSameAs(mailroom.getBean(DataSource.class));
    }

    @Test
    void getRequestsReadTheHistoryFromTheReplicaPoolAndRequestsThatChangeSomethingFromThePrimary() {
        ConfigurableApplicationContext mailroom = start(List.of("--mailroom.api.datasource.username=sa"));
        HistoryReads.Source source = mailroom.getBean(HistoryReads.Source.class);
        HikariDataSource replica = source.replica();
        assertThat(replica).isNotNull();
        assertThat(replica.getPoolName()).isEqualTo(HistoryReads.REPLICA_POOL);
        assertThat(replica.isReadOnly()).as("the replica's pool is read-only").isTrue();
        ApiClient api = new ApiClient(
                        ((WebServerApplicationContext) mailroom).getWebServer().getPort())
                .as(ApiClient.TEST_KEY);
        UUID unknown = UUID.randomUUID();

        // A POST reads the message it acts on from the primary: the replica's pool is not even opened.
        assertThat(api.post("/api/v1/messages/" + unknown + "/cancel", "").status())
                .isEqualTo(404);
        assertThat(replica.getHikariPoolMXBean())
                .as("the replica's pool after a POST")
                .isNull();

        // A GET reads it from the replica.
        assertThat(api.get("/api/v1/messages/" + unknown).status()).isEqualTo(404);
        assertThat(replica.getHikariPoolMXBean())
                .as("the replica's pool after a GET")
                .isNotNull();
        assertThat(replica.getHikariPoolMXBean().getTotalConnections()).isPositive();
    }

    private ConfigurableApplicationContext start(List<String> more) {
        // The embedded broker and database, whatever SPRING_* of a CI run says.
        List<String> args = new ArrayList<>(List.of("--mailroom.api.bootstrap-key=" + ApiClient.TEST_KEY));
        args.addAll(more);
        ConfigurableApplicationContext context = EmbeddedContexts.start("api,operator", args);
        running.add(context);
        return context;
    }
}
