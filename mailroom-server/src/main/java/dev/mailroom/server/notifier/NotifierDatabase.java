package dev.mailroom.server.notifier;

import com.zaxxer.hikari.HikariDataSource;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.NotifierProperties;
import dev.mailroom.server.PostgresSessions;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BatchListenerFactories;
import dev.mailroom.server.messaging.QueueMetrics;
import javax.sql.DataSource;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The notifier's own small pool, like the accounts' (AccountsDatabase): a process without the operator role opens
 * its main pool read-only, and the notifier writes its delivery log. A pool of its own rather than the accounts' so
 * that thousands of delivery rows a second never queue behind a sign-in (or the reverse). Not a default candidate:
 * nothing else is handed it. Also the notifier's queue consumer factory.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.NOTIFIER)
class NotifierDatabase {
    static final String POOL = "notifierDataSource";
    static final String LISTENER_FACTORY = "notifierBatchFactory";
    static final int MAX_CONNECTIONS = 4;

    @Bean(name = POOL, defaultCandidate = false)
    @Qualifier(POOL)
    HikariDataSource notifierDataSource(DataSourceProperties properties) {
        HikariDataSource pool = properties
                .initializeDataSourceBuilder()
                .type(HikariDataSource.class)
                .build();
        pool.setPoolName("notifier");
        PostgresSessions.apply(pool);
        pool.setMaximumPoolSize(MAX_CONNECTIONS);
        pool.setMinimumIdle(0);
        return pool;
    }

    @Bean(defaultCandidate = false)
    @Qualifier(POOL)
    JdbcTemplate notifierJdbc(@Qualifier(POOL) DataSource pool) {
        return new JdbcTemplate(pool);
    }

    @Bean(defaultCandidate = false)
    @Qualifier(POOL)
    TransactionTemplate notifierTransactions(@Qualifier(POOL) DataSource pool) {
        return new TransactionTemplate(new DataSourceTransactionManager(pool));
    }

    @Bean(LISTENER_FACTORY)
    SimpleRabbitListenerContainerFactory notifierBatchFactory(
            ConnectionFactory connectionFactory, NotifierProperties properties, QueueMetrics queueMetrics) {
        return BatchListenerFactories.batchFactory(
                connectionFactory, properties.batchSize(), properties.consumers(), queueMetrics);
    }
}
