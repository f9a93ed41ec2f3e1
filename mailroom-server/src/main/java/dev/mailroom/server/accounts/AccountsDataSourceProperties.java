package dev.mailroom.server.accounts;

import dev.mailroom.server.DataSourceConnection;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the accounts' own pool (AccountsDatabase) connects, and with it Spring Session: always the primary. Set the
 * user for a deployment whose API processes read through a user that may not write (docs/deployment.md): this
 * one may change only the accounts' and the sessions' tables. Nothing set: the main datasource
 * ({@code spring.datasource}), as before.
 *
 * @param url      JDBC URL; unset: {@code spring.datasource.url}
 * @param username its user; unset: {@code spring.datasource.username}
 * @param password that user's password; unset: {@code spring.datasource.password}
 */
@ConfigurationProperties("mailroom.accounts.datasource")
public record AccountsDataSourceProperties(String url, String username, String password)
        implements DataSourceConnection {
    @Override
    public String toString() {
        return "AccountsDataSourceProperties[" + describe() + "]";
    }
}
