package dev.mailroom.bench.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The broker and the database under Mailroom, for {@code bench}, {@code faults} and
 * {@link MailroomCluster} alike: where they are, with which credentials, virtual host and
 * database, and the arguments that point a Mailroom process at them.
 */
public record Infrastructure(Broker broker, Database database) {

    /**
     * RabbitMQ and PostgreSQL from the same {@code SPRING_RABBITMQ_*} and {@code SPRING_DATASOURCE_*}
     * variables Spring Boot reads (defaults: the {@code mailroom} user, password and database on
     * 127.0.0.1, as {@code .ci/run} sets them up).
     */
    public static Infrastructure fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    static Infrastructure fromEnvironment(Map<String, String> env) {
        return new Infrastructure(
                new Broker(
                        get(env, "SPRING_RABBITMQ_HOST", "127.0.0.1"),
                        Integer.parseInt(get(env, "SPRING_RABBITMQ_PORT", "5672")),
                        get(env, "SPRING_RABBITMQ_USERNAME", "mailroom"),
                        get(env, "SPRING_RABBITMQ_PASSWORD", "mailroom"),
                        get(env, "SPRING_RABBITMQ_VIRTUAL_HOST", "/"),
                        true),
                new Database(
                        get(env, "SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:5432/mailroom"),
                        get(env, "SPRING_DATASOURCE_USERNAME", "mailroom"),
                        get(env, "SPRING_DATASOURCE_PASSWORD", "mailroom")));
    }

    /** RabbitMQ at {@code amqpUri} and PostgreSQL at {@code jdbcUrl}, as given on the command line. */
    public static Infrastructure of(String amqpUri, String jdbcUrl, String dbUser, String dbPassword) {
        return new Infrastructure(Broker.rabbitMq(amqpUri), new Database(jdbcUrl, dbUser, dbPassword));
    }

    /**
     * Mailroom's embedded broker on {@code amqpPort} and its H2 database, for a single Mailroom
     * process whose data directory is {@code dataDir}.
     */
    public static Infrastructure embedded(int amqpPort, Path dataDir) {
        return new Infrastructure(Broker.embedded(amqpPort), Database.embeddedH2(dataDir));
    }

    public boolean isEmbedded() {
        return !broker.rabbitMq();
    }

    /** The same services, another virtual host and database: neither is anybody else's. */
    public Infrastructure isolatedIn(String vhost, String databaseName) {
        return new Infrastructure(broker.withVhost(vhost), database.withName(databaseName));
    }

    /**
     * The arguments that point a Mailroom process with these roles at the broker and, if its roles
     * have a database (dispatchers and webhook sinks have none), at the database.
     */
    public List<String> mailroomArgs(String roles) {
        List<String> args = new ArrayList<>(broker.mailroomArgs());
        if (needsDatabase(roles)) {
            args.addAll(database.mailroomArgs());
        }
        return args;
    }

    static boolean needsDatabase(String roles) {
        return roles.contains("operator") || roles.contains("api") || roles.contains("notifier");
    }

    private static String get(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
