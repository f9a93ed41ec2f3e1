package dev.mailroom.server.accounts;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.session.jdbc.config.annotation.SpringSessionDataSource;
import org.springframework.session.jdbc.config.annotation.SpringSessionTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The accounts' own small pool. An API process without the operator role opens its main pool
 * read-only (ReadOnlyDatabase), yet people and keys are created, revoked and signed in there; this
 * pool, which only this package and Spring Session use, is the one way such a process writes.
 * An operator process uses it too, for the send counts ({@link SendAllowance}), and a notifier process to disable a
 * failing webhook endpoint ({@link WebhookEndpointDisabling}). Not a default candidate, so nothing else is handed it and Spring Boot still makes the main pool.
 *
 * <p>It connects where {@code mailroom.accounts.datasource.*} says ({@link AccountsDataSourceProperties}), else as
 * {@code spring.datasource}: always to the primary, since what it writes is read back at once (a key created is
 * usable in the next request, a session in the next page), and never through a replica.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole({Role.API, Role.OPERATOR, Role.NOTIFIER})
class AccountsDatabase {
    static final String POOL = "accountsDataSource";
    static final String MAX_CONNECTIONS = "4";

    @Bean(name = POOL, defaultCandidate = false)
    @SpringSessionDataSource
    @Qualifier(POOL)
    HikariDataSource accountsDataSource(DataSourceProperties main, AccountsDataSourceProperties own) {
        // mailroom.accounts.datasource: a user of its own, so that the main pool's user (the API's reads) may be
        // one that cannot write at all; unset, the main datasource's settings.
        HikariDataSource pool = own.pool(main, "accounts");
        pool.setMaximumPoolSize(Integer.parseInt(MAX_CONNECTIONS));
        pool.setMinimumIdle(0);
        return pool;
    }

    @Bean(defaultCandidate = false)
    @Qualifier(POOL)
    JdbcClient accountsJdbc(@Qualifier(POOL) DataSource pool) {
        return JdbcClient.create(pool);
    }

    /** Spring Session's transactions too, so that they run on this pool rather than the main one. */
    @Bean(defaultCandidate = false)
    @Qualifier(POOL)
    @SpringSessionTransactionManager
    DataSourceTransactionManager accountsTransactionManager(@Qualifier(POOL) DataSource pool) {
        return new DataSourceTransactionManager(pool);
    }

    @Bean(defaultCandidate = false)
    @Qualifier(POOL)
    TransactionTemplate accountsTransactions(@Qualifier(POOL) DataSourceTransactionManager transactions) {
        return new TransactionTemplate(transactions);
    }
}
