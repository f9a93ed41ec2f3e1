package dev.mailroom.server;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * A process without the operator role opens its database pool read-only, so that the database
 * itself refuses a write that got past ArchitectureTest. Set on the pool rather than as a
 * property default, so that no setting turns it off in such a process (a process with the
 * operator role, which also runs the migrations, keeps its pool as configured).
 *
 * <p>PostgreSQL's driver makes a connection read-only outside a transaction (auto-commit, how
 * most API queries run) only with {@code readOnlyMode=always}; its default applies it to
 * transactions only. H2 takes read-only as a hint and still writes: the embedded run has every
 * role in one process, where the pool writes anyway.
 */
@Configuration(proxyBeanMethods = false)
class ReadOnlyDatabase {
    /** The pool of dev.mailroom.server.accounts (AccountsDatabase.POOL). */
    static final String ACCOUNTS_POOL = "accountsDataSource";
    /** The pool of dev.mailroom.server.notifier (NotifierDatabase.POOL): its delivery log only. */
    static final String NOTIFIER_POOL = "notifierDataSource";

    private static final Logger log = LoggerFactory.getLogger(ReadOnlyDatabase.class);

    @Bean
    static BeanPostProcessor readOnlyPoolWithoutTheOperator(Environment env) {
        boolean operator = Role.parse(env.getProperty(Role.PROPERTY)).contains(Role.OPERATOR);
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                // After initialization: the pool's properties are bound by then, and it opens no connection before its
                // first use.
                if (ACCOUNTS_POOL.equals(name) || NOTIFIER_POOL.equals(name)) {
                    // The accounts' own pool: the one way such a process writes, its own tables only.
                    return bean;
                }
                if (!operator && bean instanceof HikariDataSource pool) {
                    readOnly(pool);
                } else if (!operator && bean instanceof DataSource) {
                    log.warn(
                            "DataSource '{}' is not a Hikari pool: it is not made read-only in this process without the operator role",
                            name);
                }
                return bean;
            }
        };
    }

    static void readOnly(HikariDataSource pool) {
        pool.setReadOnly(true);
        if (PostgresSessions.isPostgres(pool.getJdbcUrl())) {
            pool.addDataSourceProperty("readOnlyMode", "always");
        }
    }
}
