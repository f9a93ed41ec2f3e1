package dev.mailroom.server.embedded;

import dev.mailroom.server.Role;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import java.nio.file.Path;

/**
 * Makes the zero-configuration run work: when no broker ({@code spring.rabbitmq.host} or
 * {@code addresses}) is configured, points Spring AMQP at the embedded Qpid broker; when no
 * database ({@code spring.datasource.url}) is configured, points it at an H2 file database in
 * PostgreSQL mode under {@code mailroom.data-dir}. Processes whose roles need no database (a
 * dispatcher or webhook sink alone) get none at all. Everything set here is a default: any
 * property the user sets wins.
 */
class EmbeddedDefaults implements EnvironmentPostProcessor {
    static final String EMBEDDED_BROKER = "mailroom.embedded.broker";
    static final String BROKER_KIND = "mailroom.broker.kind";
    static final String AMQP_PORT = "mailroom.embedded.amqp-port";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        Set<Role> roles = Role.parse(env.getProperty(Role.PROPERTY));
        Map<String, Object> defaults = new HashMap<>();

        boolean databaseConfigured = env.containsProperty("spring.datasource.url");
        boolean brokerConfigured = env.containsProperty("spring.rabbitmq.host") || env.containsProperty("spring.rabbitmq.addresses");
        if (brokerConfigured) {
            defaults.put(EMBEDDED_BROKER, "false");
            defaults.put(BROKER_KIND, "rabbitmq");
        } else {
            int port = env.getProperty(AMQP_PORT, Integer.class, 5673);
            defaults.put(EMBEDDED_BROKER, "true");
            defaults.put(BROKER_KIND, "qpid");
            defaults.put("spring.rabbitmq.host", "127.0.0.1");
            defaults.put("spring.rabbitmq.port", port == 0 ? freePort() : port);
            defaults.put("spring.rabbitmq.username", "guest");
            defaults.put("spring.rabbitmq.password", "guest");
        }

        if (!Role.needsDatabase(roles)) {
            defaults.put("spring.autoconfigure.exclude",
                    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration");
        } else if (!env.containsProperty("spring.datasource.url")) {
            // Computed when read, not now: mailroom.data-dir may still be set by a property
            // source added later (tests register a fresh directory per run that way).
            env.getPropertySources().addLast(new EmbeddedDatabaseUrl(env));
            defaults.put("spring.datasource.username", "sa");
            defaults.put("spring.datasource.password", "");
        }
        // PostgreSQL sends a JDBC batch as one multi-row statement only when asked; the operator's
        // batched inserts are most of its database work.
        if (env.getProperty("spring.datasource.url", "").startsWith("jdbc:postgresql:")) {
            defaults.put("spring.datasource.hikari.data-source-properties.reWriteBatchedInserts", "true");
        }
        // The sandbox reports every email delivered without sending it: on only in the newcomer's
        // run, where neither broker nor database is configured, never silently in a deployment.
        if (!brokerConfigured && !databaseConfigured) {
            defaults.put("mailroom.providers.sandbox.enabled", "true");
        }
        // Only the operator writes the database, schema migrations included.
        defaults.put("spring.flyway.enabled", Boolean.toString(roles.contains(Role.OPERATOR)));
        // Readiness waits for the database only where there is one: a group naming a missing
        // contributor fails the start-up (a dispatcher or webhook sink alone has no DataSource).
        defaults.put("management.endpoint.health.group.readiness.include",
                Role.needsDatabase(roles) ? "readinessState,rabbit,db" : "readinessState,rabbit");

        // Added last: lowest precedence, so anything the user configured wins.
        env.getPropertySources().addLast(new MapPropertySource("mailroomEmbeddedDefaults", defaults));
    }

    /** {@code spring.datasource.url} of the embedded H2 database, under the data directory. */
    private static final class EmbeddedDatabaseUrl extends PropertySource<Object> {
        // Not the source: Boot walks into property sources whose source is an Environment.
        private final ConfigurableEnvironment env;

        EmbeddedDatabaseUrl(ConfigurableEnvironment env) {
            super("mailroomEmbeddedDatabase", new Object());
            this.env = env;
        }

        @Override
        public Object getProperty(String name) {
            if (!"spring.datasource.url".equals(name)) {
                return null;
            }
            Path dataDir = Path.of(env.getProperty("mailroom.data-dir", "mailroom-data")).toAbsolutePath();
            return "jdbc:h2:file:" + dataDir.resolve("db").resolve("mailroom")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the embedded broker", e);
        }
    }
}
