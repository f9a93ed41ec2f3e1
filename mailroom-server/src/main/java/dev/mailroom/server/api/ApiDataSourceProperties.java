package dev.mailroom.server.api;

import dev.mailroom.server.DataSourceConnection;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the API reads the email history (HistoryReads): typically a PostgreSQL streaming replica, with a
 * read-only user. Nothing set: the main datasource ({@code spring.datasource}), as before.
 *
 * @param url      JDBC URL of the replica; unset: {@code spring.datasource.url}
 * @param username its user (SELECT is all it needs); unset: {@code spring.datasource.username}
 * @param password that user's password; unset: {@code spring.datasource.password}
 */
@ConfigurationProperties("mailroom.api.datasource")
public record ApiDataSourceProperties(String url, String username, String password) implements DataSourceConnection {
    @Override
    public String toString() {
        return "ApiDataSourceProperties[" + describe() + "]";
    }
}
