package dev.mailroom.server.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.server.SystemLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apache Qpid Broker-J, a real AMQP 0-9-1 broker, inside the Mailroom process for the
 * zero-configuration run. Messages are kept in memory: a restart loses what was queued but not
 * yet consumed (the database keeps everything accepted). Production runs on RabbitMQ.
 */
class EmbeddedQpidBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedQpidBroker.class);

    private final SystemLauncher launcher = new SystemLauncher();
    private final int port;

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
            log.info("Embedded AMQP broker (Qpid Broker-J) listening on 127.0.0.1:{}", port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded broker's directory " + workDir, e);
        } catch (Exception e) {
            throw new IllegalStateException("the embedded broker did not start on port " + port
                    + " (is another program using it? set mailroom.embedded.amqp-port)", e);
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

    @Override
    public void close() {
        launcher.shutdown();
    }
}
