package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.server.api.ApiDataSourceProperties;
import dev.mailroom.server.support.EmbeddedContexts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Every PostgreSQL pool of Mailroom's starts its sessions without JIT and parallel plans (PostgresSessions), and what
 * the deployment's URL says wins. Runs on PostgreSQL ({@code MAILROOM_IT_EXTERNAL=true} and {@code SPRING_DATASOURCE_*},
 * as in {@code .ci/run}); the pools' settings without a database are checked on any infrastructure.
 */
class PostgresSessionsTest {
    private static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("MAILROOM_IT_EXTERNAL"));

    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable each : running) {
            each.close();
        }
    }

    @Test
    void everyPoolOfTheApiSessionsWithoutJitOrParallelPlans() {
        String url = postgresUrl();
        ConfigurableApplicationContext api = start(List.of(
                "--spring.datasource.url=" + url,
                "--spring.datasource.username=" + System.getenv("SPRING_DATASOURCE_USERNAME"),
                "--spring.datasource.password=" + System.getenv("SPRING_DATASOURCE_PASSWORD")));
        // A pool of a URL of its own, as the API's replica (mailroom.api.datasource.url) is built; the accounts'
        // pool is built on the main datasource's settings.
        DataSourceProperties main = api.getBean(DataSourceProperties.class);
        HikariDataSource replica = new ApiDataSourceProperties(url, null, null).pool(main, "api-replica");
        running.add(replica::close);

        Map<String, DataSource> pools = Map.of(
                "main", api.getBean(DataSource.class),
                "accounts", api.getBean(ReadOnlyDatabase.ACCOUNTS_POOL, DataSource.class),
                "api-replica", replica);
        pools.forEach((name, pool) -> {
            JdbcTemplate jdbc = new JdbcTemplate(pool);
            assertThat(jdbc.queryForObject("SHOW jit", String.class))
                    .as("jit in the %s pool", name)
                    .isEqualTo("off");
            assertThat(jdbc.queryForObject("SHOW max_parallel_workers_per_gather", String.class))
                    .as("max_parallel_workers_per_gather in the %s pool", name)
                    .isEqualTo("0");
        });
    }

    @Test
    void optionsInTheDeploymentsUrlWin() {
        String url = postgresUrl();
        String own = url + (url.contains("?") ? "&" : "?") + "options=-c%20max_parallel_workers_per_gather%3D3";
        ConfigurableApplicationContext api = start(List.of(
                "--spring.datasource.url=" + own,
                "--spring.datasource.username=" + System.getenv("SPRING_DATASOURCE_USERNAME"),
                "--spring.datasource.password=" + System.getenv("SPRING_DATASOURCE_PASSWORD")));

        JdbcTemplate jdbc = new JdbcTemplate(api.getBean(DataSource.class));
        assertThat(jdbc.queryForObject("SHOW max_parallel_workers_per_gather", String.class))
                .isEqualTo("3");
        assertThat(((HikariDataSource) api.getBean(DataSource.class)).getDataSourceProperties())
                .doesNotContainKey("options");
    }

    @Test
    void onlyPostgresPoolsWithoutOptionsOfTheirOwnGetThem() {
        try (HikariDataSource postgres = new HikariDataSource();
                HikariDataSource withOptions = new HikariDataSource();
                HikariDataSource h2 = new HikariDataSource()) {
            postgres.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/mailroom");
            withOptions.setJdbcUrl("jdbc:postgresql://127.0.0.1:5432/mailroom?options=-c%20jit%3Don");
            h2.setJdbcUrl("jdbc:h2:mem:sessions");

            PostgresSessions.apply(postgres);
            PostgresSessions.apply(withOptions);
            PostgresSessions.apply(h2);

            assertThat(postgres.getDataSourceProperties()).containsEntry("options", PostgresSessions.OPTIONS);
            assertThat(withOptions.getDataSourceProperties()).doesNotContainKey("options");
            assertThat(h2.getDataSourceProperties()).doesNotContainKey("options");
        }
    }

    private static String postgresUrl() {
        String url = System.getenv("SPRING_DATASOURCE_URL");
        assumeTrue(
                EXTERNAL && PostgresSessions.isPostgres(url),
                "needs PostgreSQL: set MAILROOM_IT_EXTERNAL=true and SPRING_DATASOURCE_* (see .ci/run)");
        return url;
    }

    private ConfigurableApplicationContext start(List<String> more) {
        ConfigurableApplicationContext context = EmbeddedContexts.start("api", more);
        running.add(context);
        return context;
    }
}
