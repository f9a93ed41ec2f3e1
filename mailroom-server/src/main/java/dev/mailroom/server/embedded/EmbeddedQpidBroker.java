package dev.mailroom.server.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.qpid.server.SystemLauncher;
import org.apache.qpid.server.SystemLauncherListener;
import org.apache.qpid.server.model.Broker;
import org.apache.qpid.server.model.SystemConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apache Qpid Broker-J, a real AMQP 0-9-1 broker, inside the Mailroom process for the
 * zero-configuration run. Messages are kept in memory: a restart loses what was queued but not
 * yet consumed (the database keeps everything accepted). Production runs on RabbitMQ.
 */
class EmbeddedQpidBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedQpidBroker.class);

    private final AtomicReference<SystemConfig<?>> systemConfig = new AtomicReference<>();
    private final SystemLauncher launcher = new SystemLauncher(new SystemLauncherListener.DefaultSystemLauncherListener() {
        @Override
        public void onContainerResolve(SystemConfig<?> config) {
            systemConfig.set(config);
        }
    });
    private final int port;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    EmbeddedQpidBroker(Path workDir, int port) {
        this.port = port;
        try {
            Files.createDirectories(workDir);
            // Qpid's default classpath: URLs fail under the Boot jar launcher, so the
            // configuration is written out and handed over as file: URLs.
            Path config = workDir.resolve("broker-config.json");
            Files.writeString(config, configJson());
            Path systemProperties = workDir.resolve("system.properties");
            Files.writeString(systemProperties, "");
            Map<String, Object> attributes = new HashMap<>();
            attributes.put("type", "Memory");
            attributes.put("initialConfigurationLocation", config.toUri().toURL().toExternalForm());
            attributes.put("initialSystemPropertiesLocation", systemProperties.toUri().toURL().toExternalForm());
            attributes.put("startupLoggedToSystemOut", false);
            attributes.put("context", Map.of(
                    "qpid.work_dir", workDir.toString(),
                    "qpid.amqp_port", Integer.toString(port),
                    // Lets the same declarations as on RabbitMQ pass (queue arguments it does not know).
                    "queue.behaviourOnUnknownDeclareArgument", "IGNORE"));
            launcher.startup(attributes);
            removeBrokerShutdownHook();
            log.info("Embedded AMQP broker (Qpid Broker-J) listening on 127.0.0.1:{}", port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded broker's directory " + workDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker did not start on port " + port
                    + " (is another program using it? set mailroom.embedded.amqp-port)", e);
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

    private static String configJson() {
        return """
                {
                  "name": "mailroom-embedded",
                  "modelVersion": "9.0",
                  "authenticationproviders": [ {
                    "name": "plain", "type": "Plain", "secureOnlyMechanisms": [],
                    "users": [ { "name": "guest", "type": "managed", "password": "guest" } ]
                  } ],
                  "ports": [ {
                    "name": "AMQP", "port": "${qpid.amqp_port}", "bindingAddress": "127.0.0.1",
                    "protocols": [ "AMQP_0_9_1" ], "authenticationProvider": "plain",
                    "virtualhostaliases": [ { "name": "defaultAlias", "type": "defaultAlias" } ]
                  } ],
                  "virtualhostnodes": [ {
                    "name": "default", "type": "Memory", "defaultVirtualHostNode": "true",
                    "virtualHostInitialConfiguration": "{\\"type\\": \\"Memory\\"}"
                  } ]
                }
                """;
    }

    /** Idempotent: called by the last lifecycle phase and again when the bean is destroyed. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            launcher.shutdown();
        }
    }
}
