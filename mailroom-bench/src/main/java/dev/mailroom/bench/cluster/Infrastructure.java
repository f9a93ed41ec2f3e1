package dev.mailroom.bench.cluster;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where RabbitMQ and PostgreSQL are, read from the same {@code SPRING_RABBITMQ_*} and
 * {@code SPRING_DATASOURCE_*} variables Spring Boot reads (defaults: the {@code mailroom} user,
 * password and database on 127.0.0.1, as {@code .ci/run} sets them up), and the arguments that
 * point a Mailroom process at them.
 *
 * @param vhost    the RabbitMQ virtual host; {@code "/"} is the default one
 * @param jdbcUrl  {@code jdbc:postgresql://host:port/database[?params]}
 */
public record Infrastructure(String rabbitHost, int rabbitPort, String rabbitUser, String rabbitPassword, String vhost,
                             String jdbcUrl, String dbUser, String dbPassword) {

    public static Infrastructure fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static Infrastructure fromEnvironment(Map<String, String> env) {
        return new Infrastructure(
                get(env, "SPRING_RABBITMQ_HOST", "127.0.0.1"),
                Integer.parseInt(get(env, "SPRING_RABBITMQ_PORT", "5672")),
                get(env, "SPRING_RABBITMQ_USERNAME", "mailroom"),
                get(env, "SPRING_RABBITMQ_PASSWORD", "mailroom"),
                get(env, "SPRING_RABBITMQ_VIRTUAL_HOST", "/"),
                get(env, "SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:5432/mailroom"),
                get(env, "SPRING_DATASOURCE_USERNAME", "mailroom"),
                get(env, "SPRING_DATASOURCE_PASSWORD", "mailroom"));
    }

    /** The same services, another virtual host: its queues are not anybody else's. */
    public Infrastructure withVhost(String otherVhost) {
        return new Infrastructure(rabbitHost, rabbitPort, rabbitUser, rabbitPassword, otherVhost, jdbcUrl, dbUser, dbPassword);
    }

    /** The same PostgreSQL server, another database. */
    public Infrastructure withDatabase(String database) {
        return new Infrastructure(rabbitHost, rabbitPort, rabbitUser, rabbitPassword, vhost,
                replaceDatabase(jdbcUrl, database), dbUser, dbPassword);
    }

    /** The database name in the JDBC URL. */
    public String database() {
        String afterHost = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2);
        int slash = afterHost.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("no database in " + jdbcUrl);
        }
        String rest = afterHost.substring(slash + 1);
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }

    static String replaceDatabase(String jdbcUrl, String database) {
        int hostStart = jdbcUrl.indexOf("//");
        if (!jdbcUrl.startsWith("jdbc:postgresql:") || hostStart < 0) {
            throw new IllegalArgumentException("expected jdbc:postgresql://host:port/database, got " + jdbcUrl);
        }
        int slash = jdbcUrl.indexOf('/', hostStart + 2);
        if (slash < 0) {
            return jdbcUrl + "/" + database;
        }
        int query = jdbcUrl.indexOf('?', slash);
        return jdbcUrl.substring(0, slash + 1) + database + (query < 0 ? "" : jdbcUrl.substring(query));
    }

    /** For the Java client: {@code amqp://user:pass@host:port[/vhost]} (no trailing slash: that would mean the vhost ""). */
    public String amqpUri() {
        String uri = "amqp://" + encode(rabbitUser) + ":" + encode(rabbitPassword) + "@" + rabbitHost + ":" + rabbitPort;
        return "/".equals(vhost) ? uri : uri + "/" + encode(vhost);
    }

    public List<String> rabbitArgs() {
        List<String> args = new ArrayList<>(List.of(
                "--spring.rabbitmq.host=" + rabbitHost,
                "--spring.rabbitmq.port=" + rabbitPort,
                "--spring.rabbitmq.username=" + rabbitUser,
                "--spring.rabbitmq.password=" + rabbitPassword));
        if (!"/".equals(vhost)) {
            args.add("--spring.rabbitmq.virtual-host=" + vhost);
        }
        return args;
    }

    public List<String> databaseArgs() {
        return List.of("--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=" + dbUser,
                "--spring.datasource.password=" + dbPassword);
    }

    public Connection openDatabase() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, dbUser, dbPassword);
    }

    private static String get(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
