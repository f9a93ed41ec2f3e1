package dev.mailroom.server.embedded;

import dev.mailroom.server.DataDirectory;
import dev.mailroom.server.PostgresSessions;
import dev.mailroom.server.Role;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

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
    static final String EMBEDDED_DATABASE = "mailroom.embedded.database";
    static final String BROKER_KIND = "mailroom.broker.kind";
    static final String AMQP_PORT = "mailroom.embedded.amqp-port";
    /** Where the embedded broker's generated password is, for the start-up banner. */
    static final String PASSWORD_LOCATION = "mailroom.embedded.amqp-password-location";

    static final String DEFAULT_USERNAME = "mailroom";
    private static final String DATA_DIR = "mailroom.data-dir";
    private static final String DEFAULT_DATA_DIR = "mailroom-data";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        Set<Role> roles = Role.parse(env.getProperty(Role.PROPERTY));
        Map<String, Object> defaults = new HashMap<>();

        boolean databaseConfigured = env.containsProperty("spring.datasource.url");
        boolean brokerConfigured =
                env.containsProperty("spring.rabbitmq.host") || env.containsProperty("spring.rabbitmq.addresses");
        if (brokerConfigured) {
            defaults.put(EMBEDDED_BROKER, "false");
            defaults.put(BROKER_KIND, "rabbitmq");
        } else {
            int port = env.getProperty(AMQP_PORT, Integer.class, 5673);
            defaults.put(EMBEDDED_BROKER, "true");
            defaults.put(BROKER_KIND, "qpid");
            defaults.put("spring.rabbitmq.host", "127.0.0.1");
            defaults.put("spring.rabbitmq.port", port == 0 ? freePort() : port);
            // Credentials of this installation only: another Mailroom on the same machine (or any
            // other local program) cannot connect to this broker or consume its queues.
            defaults.put("spring.rabbitmq.username", DEFAULT_USERNAME);
            if (!env.containsProperty("spring.rabbitmq.password")) {
                env.getPropertySources().addLast(new EmbeddedBrokerPassword(env));
            }
        }

        if (!Role.needsDatabase(roles)) {
            defaults.put(
                    "spring.autoconfigure.exclude",
                    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration");
        } else if (!env.containsProperty("spring.datasource.url")) {
            // Computed when read, not now: mailroom.data-dir may still be set by a property
            // source added later (tests register a fresh directory per run that way).
            env.getPropertySources().addLast(new EmbeddedDatabaseUrl(env));
            defaults.put(EMBEDDED_DATABASE, "true");
            defaults.put("spring.datasource.username", "sa");
            defaults.put("spring.datasource.password", "");
        }
        // PostgreSQL sends a JDBC batch as one multi-row statement only when asked; the operator's
        // batched inserts are most of its database work.
        // And every session starts without JIT and parallel plans (PostgresSessions says why); options in the URL win.
        String url = env.getProperty("spring.datasource.url", "");
        if (PostgresSessions.isPostgres(url)) {
            defaults.put("spring.datasource.hikari.data-source-properties.reWriteBatchedInserts", "true");
            if (PostgresSessions.takesOptions(url)) {
                defaults.put("spring.datasource.hikari.data-source-properties.options", PostgresSessions.OPTIONS);
            }
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
        defaults.put(
                "management.endpoint.health.group.readiness.include",
                Role.needsDatabase(roles) ? "readinessState,rabbit,db" : "readinessState,rabbit");
        // The OpenAPI description and Swagger UI describe the REST API: served where it runs, nowhere else.
        defaults.put("springdoc.api-docs.enabled", Boolean.toString(roles.contains(Role.API)));
        defaults.put("springdoc.swagger-ui.enabled", Boolean.toString(roles.contains(Role.API)));

        // Added last: lowest precedence, so anything the user configured wins.
        env.getPropertySources().addLast(new MapPropertySource("mailroomEmbeddedDefaults", defaults));
    }

    /**
     * {@code spring.rabbitmq.password} of the embedded broker: generated once per installation
     * and kept in {@code <data-dir>/broker/amqp-password} (0600). Computed when first read, like
     * the database URL, because {@code mailroom.data-dir} may be set by a source added later.
     */
    private static final class EmbeddedBrokerPassword extends PropertySource<Object> {
        private static final SecureRandom RANDOM = new SecureRandom();
        private final ConfigurableEnvironment env;
        private final Map<Path, String> passwords = new ConcurrentHashMap<>();

        EmbeddedBrokerPassword(ConfigurableEnvironment env) {
            super("mailroomEmbeddedBrokerPassword", new Object());
            this.env = env;
        }

        @Override
        public Object getProperty(String name) {
            if ("spring.rabbitmq.password".equals(name)) {
                return passwords.computeIfAbsent(
                        passwordFile(),
                        file -> DataDirectory.readOrCreatePrivateFile(file, () -> {
                            byte[] random = new byte[24];
                            RANDOM.nextBytes(random);
                            return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                        }));
            }
            if (PASSWORD_LOCATION.equals(name)) {
                return passwordFile().toString();
            }
            return null;
        }

        private Path passwordFile() {
            return dataDir(env).resolve("broker").resolve("amqp-password");
        }
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
            Path dataDir = dataDir(env);
            // WRITE_DELAY=0: H2 writes each commit to its file before the commit returns. With its
            // default (500 ms) a kill -9 loses commits already answered, after the operator had
            // acknowledged their queue messages: accepted emails would vanish.
            return "jdbc:h2:file:" + dataDir.resolve("db").resolve("mailroom")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
        }
    }

    /**
     * The data directory as the environment has it now. Read when the embedded broker and
     * database are created, like their URL and password: a test registers its fresh directory
     * after {@code MailroomProperties} may already have been bound with the default one.
     */
    static Path dataDir(Environment env) {
        return Path.of(env.getProperty(DATA_DIR, DEFAULT_DATA_DIR)).toAbsolutePath();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the embedded broker", e);
        }
    }
}
