package dev.mailroom.server.embedded;

import dev.mailroom.server.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.ConfiguredObject;
import org.apache.qpid.server.model.State;
import org.apache.qpid.server.model.SystemConfig;
import org.apache.qpid.server.model.VirtualHostNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Apache Qpid Broker-J, a real AMQP 0-9-1 broker, inside the Mailroom process for the
 * zero-configuration run. Its virtual host keeps durable queues and persistent messages in a
 * Derby database under {@code <data-dir>/broker/store}: a restart, or a kill -9, of the embedded
 * run loses nothing the broker had confirmed. Only the credentials it is given are accepted, and
 * it listens on loopback only.
 *
 * <p>A broker that cannot serve (its port taken, its store held by another process) stops the
 * start with an error naming the cause: a Mailroom must never go on with somebody else's broker.
 */
class EmbeddedQpidBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedQpidBroker.class);
    /** Derby's SQLState for "another JVM has booted this database". */
    private static final String DERBY_ALREADY_BOOTED = "XSDB6";

    private static final String DERBY_DURABILITY = "derby.system.durability";

    private final AtomicReference<SystemConfig<?>> systemConfig = new AtomicReference<>();
    private final SystemLauncher launcher =
            new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
                @Override
                public void onContainerResolve(SystemConfig<?> config) {
                    systemConfig.set(config);
                }

                @Override
                public void errorOnStartup(RuntimeException e) {
                    startupError.set(e);
                }
            });
    /** Qpid logs what failed at start-up and goes on; this keeps it, to stop the start with it. */
    private final AtomicReference<RuntimeException> startupError = new AtomicReference<>();

    private final int port;
    private final Path storeDir;
    private final AtomicBoolean closed = new AtomicBoolean();

    EmbeddedQpidBroker(Path workDir, int port, String username, String password) {
        this.port = port;
        this.storeDir = workDir.resolve("store");
        Map<String, Object> attributes = new HashMap<>();
        try {
            DataDirectory.ensurePrivate(workDir);
            // Qpid's default classpath: URLs fail under the Boot jar launcher, so the
            // configuration is written out and handed over as file: URLs. It holds the password.
            Path config = workDir.resolve("broker-config.json");
            DataDirectory.writePrivateFile(config, configJson(port, username, password, storeDir));
            Path systemProperties = workDir.resolve("system.properties");
            DataDirectory.writePrivateFile(systemProperties, "");
            // The broker's own configuration (users, port, node) is rebuilt from the file at every
            // start; the virtual host node's Derby store is what persists (queues, messages).
            attributes.put("type", "Memory");
            attributes.put(
                    "initialConfigurationLocation", config.toUri().toURL().toExternalForm());
            attributes.put(
                    "initialSystemPropertiesLocation",
                    systemProperties.toUri().toURL().toExternalForm());
            attributes.put("startupLoggedToSystemOut", false);
            attributes.put(
                    "context",
                    Map.of(
                            "qpid.work_dir",
                            workDir.toString(),
                            // A port that cannot bind or a store that cannot open fails the start instead
                            // of leaving a broker without them.
                            Broker.BROKER_FAIL_STARTUP_WITH_ERRORED_CHILD,
                            "true",
                            Broker.BROKER_FAIL_STARTUP_WITH_ERRORED_CHILD_SCOPE,
                            "ALL",
                            // Lets the same declarations as on RabbitMQ pass (queue arguments it does not know).
                            "queue.behaviourOnUnknownDeclareArgument",
                            "IGNORE"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded broker's directory " + workDir, e);
        }
        // Derby forces (fsyncs) its log at every commit, and every persistent publish and every
        // ack is a commit of its own in Qpid's store: ~800 messages/s here, less than the embedded
        // run's 500 emails/s need (two publishes and two acks each). Without the fsync each commit
        // is still written to the operating system before the broker confirms it, so the store
        // survives a crash or kill -9 of the process — not a power loss or an OS crash (run on
        // RabbitMQ for that). A value set on the command line wins. Read once, when Derby boots.
        if (System.getProperty(DERBY_DURABILITY) == null) {
            System.setProperty(DERBY_DURABILITY, "test");
        }
        try {
            launcher.startup(attributes);
            if (startupError.get() != null) {
                throw startupError.get();
            }
            List<String> notActive = notActive();
            if (!notActive.isEmpty()) {
                throw new IllegalStateException("parts of the broker did not start: " + notActive);
            }
        } catch (Exception e) {
            closeQuietly();
            throw explain(e);
        }
        removeBrokerShutdownHook();
        // Derby created its files with the process's umask; the directories above them are 0700.
        DataDirectory.makePrivate(workDir);
        log.info("Embedded AMQP broker (Qpid Broker-J) listening on 127.0.0.1:{}, store {}", port, storeDir);
    }

    /** The start failed: says why, and what to change. */
    private EmbeddedBrokerStartException explain(Exception e) {
        if (causedBy(e, DERBY_ALREADY_BOOTED)) {
            return new EmbeddedBrokerStartException(
                    "The embedded AMQP broker cannot open its store " + storeDir
                            + ": another process is using it (another Mailroom with the same mailroom.data-dir?).",
                    "Stop that process, or give this Mailroom a data directory of its own (mailroom.data-dir).",
                    e);
        }
        if (!canBind(port)) {
            return new EmbeddedBrokerStartException(
                    "The embedded AMQP broker cannot listen on 127.0.0.1:" + port
                            + ": the port is in use (by another Mailroom, or another program).",
                    "Set mailroom.embedded.amqp-port to a free port (0 picks any free port),"
                            + " or set spring.rabbitmq.host to use a broker of your own.",
                    e);
        }
        return new EmbeddedBrokerStartException(
                "The embedded AMQP broker (127.0.0.1:" + port + ", store " + storeDir + ") did not start: "
                        + e.getMessage(),
                "See the log above for the broker's own error. If another Mailroom runs on this machine, give this one"
                        + " its own mailroom.embedded.amqp-port and mailroom.data-dir.",
                e);
    }

    private static boolean causedBy(Throwable e, String sqlState) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sqlState.equals(sql.getSQLState())) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (causedBy(s, sqlState)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Ports, virtual host nodes and virtual hosts that are not ACTIVE after start-up. */
    private List<String> notActive() {
        List<String> problems = new ArrayList<>();
        SystemConfig<?> config = systemConfig.get();
        Broker<?> broker = config == null ? null : (Broker<?>) config.getContainer(Broker.class);
        if (broker == null) {
            problems.add("broker");
            return problems;
        }
        broker.getPorts().forEach(p -> check(p, problems));
        for (VirtualHostNode<?> node : broker.getVirtualHostNodes()) {
            check(node, problems);
            if (node.getVirtualHost() == null) {
                problems.add("virtual host of " + node.getName());
            } else {
                check(node.getVirtualHost(), problems);
            }
        }
        return problems;
    }

    private static void check(ConfiguredObject<?> object, List<String> problems) {
        if (object.getState() != State.ACTIVE) {
            problems.add(
                    object.getCategoryClass().getSimpleName() + " " + object.getName() + " is " + object.getState());
        }
    }

    /**
     * Qpid registers a JVM shutdown hook that stops the broker at once on SIGTERM, in parallel
     * with Spring's own shutdown, so consumers still finishing their batches lose the broker
     * under them. Spring stops the broker instead, after everything that uses it.
     */
    private void removeBrokerShutdownHook() {
        try {
            Object broker = systemConfig.get().getContainer(Broker.class);
            Field hookField = broker.getClass().getDeclaredField("_shutdownHook");
            hookField.setAccessible(true);
            Runtime.getRuntime().removeShutdownHook((Thread) hookField.get(broker));
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.debug("Could not remove Qpid's shutdown hook; the broker may stop before the consumers on SIGTERM", e);
        }
    }

    int port() {
        return port;
    }

    static String configJson(int port, String username, String password, Path storeDir) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("name", username);
        user.put("type", "managed");
        user.put("password", password);
        Map<String, Object> authentication = new LinkedHashMap<>();
        authentication.put("name", "plain");
        authentication.put("type", "Plain");
        authentication.put("secureOnlyMechanisms", List.of());
        authentication.put("users", List.of(user));
        Map<String, Object> amqp = new LinkedHashMap<>();
        amqp.put("name", "AMQP");
        amqp.put("port", port);
        amqp.put("bindingAddress", "127.0.0.1");
        amqp.put("protocols", List.of("AMQP_0_9_1"));
        amqp.put("authenticationProvider", "plain");
        amqp.put("virtualhostaliases", List.of(Map.of("name", "defaultAlias", "type", "defaultAlias")));
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("name", "default");
        node.put("type", "DERBY");
        node.put("storePath", storeDir.toString());
        node.put("defaultVirtualHostNode", "true");
        // The virtual host keeps its messages in the node's own Derby database.
        node.put("virtualHostInitialConfiguration", "{\"type\": \"ProvidedStore\"}");
        Map<String, Object> broker = new LinkedHashMap<>();
        broker.put("name", "mailroom-embedded");
        broker.put("modelVersion", "9.0");
        broker.put("authenticationproviders", List.of(authentication));
        broker.put("ports", List.of(amqp));
        broker.put("virtualhostnodes", List.of(node));
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(broker);
    }

    /** Idempotent: called by the last lifecycle phase and again when the bean is destroyed. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            launcher.shutdown();
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            log.debug("Stopping the embedded broker after its failed start", e);
        }
    }

    /** The embedded broker could not start; the message says what to change. */
    static final class EmbeddedBrokerStartException extends IllegalStateException {
        private final String description;
        private final String action;

        EmbeddedBrokerStartException(String description, String action, Throwable cause) {
            super(description + " " + action, cause);
            this.description = description;
            this.action = action;
        }

        String description() {
            return description;
        }

        String action() {
            return action;
        }
    }
}
