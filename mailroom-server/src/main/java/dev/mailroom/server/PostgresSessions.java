package dev.mailroom.server;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The settings every PostgreSQL session of Mailroom's starts with, sent in the connection's startup packet (the
 * driver's {@code options} property: no statement, no round trip):
 *
 * <ul>
 *   <li>{@code jit = off}: every statement Mailroom runs is a short index walk; compiling it costs more than it
 *       saves. On 10 million emails JIT took 11–22 ms of the 28–44 ms of the DISPATCHED list's day walk.
 *   <li>{@code max_parallel_workers_per_gather = 0}: a parallel plan starts worker processes for a read that an
 *       index answers in a millisecond. On 10 million emails the smallest organization's most common tag took 61 ms
 *       in psql with a worker and 1.3 ms without, 469 ms p99 through the API under four readers.
 * </ul>
 *
 * <p>What the deployment says wins: {@code options} in the JDBC URL, or
 * {@code spring.datasource.hikari.data-source-properties.options} for the main pool.
 */
public final class PostgresSessions {
    /** The driver's {@code options}: PostgreSQL's {@code -c name=value} command-line form. */
    public static final String OPTIONS = "-c jit=off -c max_parallel_workers_per_gather=0";

    private PostgresSessions() {}

    public static boolean isPostgres(String jdbcUrl) {
        return jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /** Whether a pool of this URL gets {@link #OPTIONS}: PostgreSQL, and the URL names no options of its own. */
    public static boolean takesOptions(String jdbcUrl) {
        return isPostgres(jdbcUrl) && !jdbcUrl.contains("options=");
    }

    /** Sets {@link #OPTIONS} on a pool of Mailroom's own where {@link #takesOptions} says so. */
    public static void apply(HikariDataSource pool) {
        if (takesOptions(pool.getJdbcUrl())) {
            pool.addDataSourceProperty("options", OPTIONS);
        }
    }
}
