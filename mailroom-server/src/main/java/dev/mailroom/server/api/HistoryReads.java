package dev.mailroom.server.api;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.PostgresSessions;
import dev.mailroom.server.Role;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Where the API reads the email history (messages, timelines, members, suppression lists, dead letters, webhook
 * delivery logs): {@link #JDBC} and {@link #TRANSACTIONS}, used by MessageQueries, MemberQueries, SuppressionsQueries,
 * DeadLetterQueries and WebhookDeliveryQueries.
 *
 * <p>With {@code mailroom.api.datasource.*} set ({@link ApiDataSourceProperties}, typically a PostgreSQL streaming
 * replica), a {@code GET} or {@code HEAD} request reads there; every other request (they are the ones that change
 * something: a cancel, a reschedule, a suppression added, a replay) reads from the primary, so that what it reads
 * after the operator decided (the rescheduled message it answers, the suppression it lists) is its own write, not
 * the replica's past; so does anything outside a request. What the API itself writes, and reads back at once, never
 * goes through this: accounts, keys and sessions have their own pool on the primary (AccountsDatabase,
 * {@code mailroom.accounts.datasource}), and the idempotency keys (IdempotencyKeys) and settings (SettingsQueries)
 * are read from the main datasource. A replica behind shows as data not there yet: a message not replayed yet is a
 * 404, as a message the operator has not recorded yet always was.
 *
 * <p>Nothing set: the main datasource, as before this existed.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.API)
class HistoryReads {
    static final String JDBC = "historyJdbc";
    static final String TRANSACTIONS = "historyTransactions";
    static final String REPLICA_POOL = "api-replica";

    private static final Logger log = LoggerFactory.getLogger(HistoryReads.class);

    /** Where history reads go, and the replica's pool to close with the context (null without a replica). */
    record Source(DataSource dataSource, HikariDataSource replica) implements AutoCloseable {
        @Override
        public void close() {
            if (replica != null) {
                replica.close();
            }
        }
    }

    /** Not a DataSource bean: nothing but the history reads is handed it, nor made read-only or checked twice. */
    @Bean(destroyMethod = "close")
    Source historySource(
            DataSource main,
            DataSourceProperties mainProperties,
            ApiDataSourceProperties replica,
            ObjectProvider<MeterRegistry> meters) {
        if (!replica.isSet()) {
            return new Source(main, null);
        }
        HikariDataSource pool = replica.pool(mainProperties, REPLICA_POOL);
        // Reads only, whatever roles the process has (a hot standby refuses writes anyway: this says so first).
        pool.setReadOnly(true);
        if (PostgresSessions.isPostgres(pool.getJdbcUrl())) {
            pool.addDataSourceProperty("readOnlyMode", "always");
        }
        meters.ifAvailable(pool::setMetricRegistry);
        ByRequestMethod routing = new ByRequestMethod();
        routing.setTargetDataSources(
                Map.<Object, Object>of(ByRequestMethod.REPLICA, pool, ByRequestMethod.PRIMARY, main));
        routing.setDefaultTargetDataSource(main);
        routing.setLenientFallback(false);
        routing.afterPropertiesSet();
        log.info("The API reads the email history of GET requests from {} ({})", REPLICA_POOL, replica.describe());
        return new Source(routing, pool);
    }

    @Bean(name = JDBC, defaultCandidate = false)
    @Qualifier(JDBC)
    JdbcTemplate historyJdbc(Source source) {
        return new JdbcTemplate(source.dataSource());
    }

    /**
     * The transactions of the history queries ({@code @Transactional(transactionManager = TRANSACTIONS)}): on the
     * same DataSource as {@link #JDBC}, so that a read-only REPEATABLE READ transaction, or a cursor that streams,
     * holds the connection its queries run on.
     */
    @Bean(name = TRANSACTIONS, defaultCandidate = false)
    @Qualifier(TRANSACTIONS)
    DataSourceTransactionManager historyTransactions(Source source) {
        return new DataSourceTransactionManager(source.dataSource());
    }

    /** GET and HEAD requests read the replica; any other request, and anything outside a request, the primary. */
    static final class ByRequestMethod extends AbstractRoutingDataSource {
        static final String REPLICA = "replica";
        static final String PRIMARY = "primary";
        private static final Set<String> READING = Set.of("GET", "HEAD");

        @Override
        protected Object determineCurrentLookupKey() {
            return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request
                            && READING.contains(request.getRequest().getMethod())
                    ? REPLICA
                    : PRIMARY;
        }
    }
}
