package dev.mailroom.server;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;

/**
 * Where a pool of Mailroom's own connects ({@code mailroom.api.datasource.*}, {@code mailroom.accounts.datasource.*}).
 * Each of the three falls back on its own to {@code spring.datasource}'s, so that a deployment can change only the
 * user (the same database, other rights) or only the URL (a replica, the same user). Nothing set: the main
 * datasource's settings as they are.
 */
public interface DataSourceConnection {
    /** The JDBC URL; unset: {@code spring.datasource.url}. */
    String url();

    /** The database user; unset: {@code spring.datasource.username}. */
    String username();

    /** The user's password; unset: {@code spring.datasource.password}. */
    String password();

    /** Whether any of the three is set. */
    default boolean isSet() {
        return hasText(url()) || hasText(username()) || password() != null;
    }

    /** A pool (not opened before its first use) on these settings, the main datasource's where unset. */
    default HikariDataSource pool(DataSourceProperties main, String poolName) {
        // A URL of its own gets the driver its URL names (the main one's could be another database's).
        DataSourceBuilder<HikariDataSource> builder = hasText(url())
                ? DataSourceBuilder.create().type(HikariDataSource.class).url(url())
                : main.initializeDataSourceBuilder().type(HikariDataSource.class);
        HikariDataSource pool = builder.username(hasText(username()) ? username() : main.determineUsername())
                .password(password() != null ? password() : main.determinePassword())
                .build();
        pool.setPoolName(poolName);
        PostgresSessions.apply(pool);
        return pool;
    }

    /** The settings for a log line: the password never shows. */
    default String describe() {
        return "url=" + (hasText(url()) ? url() : "(spring.datasource.url)") + ", username="
                + (hasText(username()) ? username() : "(spring.datasource.username)") + ", password="
                + (password() != null ? "(set)" : "(spring.datasource.password)");
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }
}
