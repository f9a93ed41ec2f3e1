package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.server.support.EmbeddedContexts;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Only the operator writes the database, and a process without it cannot: its pool is read-only.
 * H2 takes read-only as a hint and writes anyway, so on the embedded database the pool's setting is
 * what can be checked; the refusal itself is proved on PostgreSQL, where it runs with
 * {@code MAILROOM_IT_EXTERNAL=true} and {@code SPRING_DATASOURCE_*} naming a PostgreSQL database,
 * like the other RabbitMQ + PostgreSQL tests ({@code .ci/run}).
 */
class ReadOnlyPoolTest {
    private static final boolean EXTERNAL = "true".equalsIgnoreCase(System.getenv("MAILROOM_IT_EXTERNAL"));
    /** PostgreSQL's SQLSTATE for a write in a read-only transaction (read_only_sql_transaction). */
    private static final String READ_ONLY_SQL_TRANSACTION = "25006";

    private static final String PROBE_TABLE = "mailroom_read_only_probe";

    private final List<ConfigurableApplicationContext> running = new ArrayList<>();

    @AfterEach
    void stop() {
        running.forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void aProcessWithoutTheOperatorRoleOpensItsPoolReadOnly() {
        HikariDataSource pool = pool(start("api", List.of()));
        assertThat(pool.isReadOnly())
                .as("the pool of an api-only process is read-only")
                .isTrue();
    }

    @Test
    void theOperatorsPoolWrites() {
        HikariDataSource pool = pool(start("api,operator", List.of()));
        assertThat(pool.isReadOnly())
                .as("the pool of a process with the operator role is read-only")
                .isFalse();
    }

    @Test
    void postgreSqlRefusesEveryWriteOfAProcessWithoutTheOperatorRole() throws SQLException {
        String url = System.getenv("SPRING_DATASOURCE_URL");
        assumeTrue(
                EXTERNAL && url != null && url.startsWith("jdbc:postgresql:"),
                "needs PostgreSQL: set MAILROOM_IT_EXTERNAL=true and SPRING_DATASOURCE_* (see .ci/run)");
        String user = System.getenv("SPRING_DATASOURCE_USERNAME");
        String password = System.getenv("SPRING_DATASOURCE_PASSWORD");
        try (Connection own = DriverManager.getConnection(url, user, password)) {
            own.createStatement().execute("CREATE TABLE IF NOT EXISTS " + PROBE_TABLE + " (id INT)");
            // One connection in the pool: every write below borrows the connection the read-only transaction gave back.
            ConfigurableApplicationContext api = start(
                    "api,webhooks",
                    List.of(
                            "--spring.datasource.url=" + url,
                            "--spring.datasource.username=" + user,
                            "--spring.datasource.password=" + password,
                            "--spring.datasource.hikari.maximum-pool-size=1"));
            JdbcTemplate jdbc = new JdbcTemplate(pool(api));
            TransactionTemplate tx = new TransactionTemplate(api.getBean(PlatformTransactionManager.class));
            TransactionTemplate readOnlyTx = new TransactionTemplate(api.getBean(PlatformTransactionManager.class));
            readOnlyTx.setReadOnly(true);

            assertRefused(
                    () -> jdbc.update("INSERT INTO " + PROBE_TABLE + " (id) VALUES (1)"),
                    "an insert outside a transaction");
            assertRefused(
                    () -> tx.executeWithoutResult(s -> jdbc.update("INSERT INTO " + PROBE_TABLE + " (id) VALUES (2)")),
                    "an insert in a transaction");
            // Spring sets a connection back to read-write after a read-only transaction; the pool must make it
            // read-only again.
            Integer before =
                    readOnlyTx.execute(s -> jdbc.queryForObject("SELECT COUNT(*) FROM " + PROBE_TABLE, Integer.class));
            assertThat(before).isZero();
            assertRefused(
                    () -> jdbc.update("INSERT INTO " + PROBE_TABLE + " (id) VALUES (3)"),
                    "an insert after a read-only transaction");
            assertRefused(() -> jdbc.execute("DROP TABLE " + PROBE_TABLE), "a DROP TABLE");

            try (var rows = own.createStatement().executeQuery("SELECT COUNT(*) FROM " + PROBE_TABLE)) {
                rows.next();
                assertThat(rows.getInt(1)).as("rows the api-only process wrote").isZero();
            }
        } finally {
            try (Connection own = DriverManager.getConnection(url, user, password)) {
                own.createStatement().execute("DROP TABLE IF EXISTS " + PROBE_TABLE);
            }
        }
    }

    private static void assertRefused(Runnable write, String what) {
        Throwable failure = catchThrowable(write::run);
        assertThat(failure).as(what).isNotNull();
        List<String> states = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                states.add(sql.getSQLState());
            }
        }
        assertThat(states).as("SQLSTATEs of %s: %s", what, failure).contains(READ_ONLY_SQL_TRANSACTION);
    }

    private static HikariDataSource pool(ConfigurableApplicationContext context) {
        DataSource dataSource = context.getBean(DataSource.class);
        assertThat(dataSource).isInstanceOf(HikariDataSource.class);
        return (HikariDataSource) dataSource;
    }

    private ConfigurableApplicationContext start(String roles, List<String> more) {
        // On the embedded broker, whatever SPRING_* of a CI run says: this test is about the database alone.
        ConfigurableApplicationContext context = EmbeddedContexts.start(roles, more);
        running.add(context);
        return context;
    }
}
