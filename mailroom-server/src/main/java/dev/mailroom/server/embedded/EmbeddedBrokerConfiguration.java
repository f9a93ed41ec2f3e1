package dev.mailroom.server.embedded;

import dev.mailroom.server.DataDirectory;
import java.nio.file.Path;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Starts the embedded broker before anything connects to it. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = EmbeddedDefaults.EMBEDDED_BROKER, havingValue = "true")
class EmbeddedBrokerConfiguration {
    static final String BROKER_BEAN = "embeddedQpidBroker";

    @Bean(name = BROKER_BEAN, destroyMethod = "close")
    EmbeddedQpidBroker embeddedQpidBroker(Environment env) {
        int port = env.getRequiredProperty("spring.rabbitmq.port", Integer.class);
        // The broker accepts exactly the credentials Mailroom's own connections use: the generated
        // ones of this installation, unless spring.rabbitmq.username/password are set.
        Path dataDir = DataDirectory.ensurePrivate(EmbeddedDefaults.dataDir(env));
        return new EmbeddedQpidBroker(
                dataDir.resolve("broker"),
                port,
                env.getRequiredProperty("spring.rabbitmq.username"),
                env.getRequiredProperty("spring.rabbitmq.password"));
    }

    /**
     * Stops the broker in the very last lifecycle phase, after the listener containers (which
     * finish or return their in-flight batches) and the web server (which drains its requests).
     */
    @Bean
    SmartLifecycle embeddedBrokerStopsLast(EmbeddedQpidBroker broker) {
        return new SmartLifecycle() {
            private volatile boolean running = true;

            @Override
            public void start() {
                running = true;
            }

            @Override
            public void stop() {
                running = false;
                broker.close();
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return Integer.MIN_VALUE;
            }
        };
    }

    /** The connection factory must wait for the broker, and must be closed before it stops. */
    @Bean
    static BeanFactoryPostProcessor connectionFactoryWaitsForEmbeddedBroker() {
        return beanFactory -> {
            for (String name : beanFactory.getBeanNamesForType(
                    org.springframework.amqp.rabbit.connection.ConnectionFactory.class, true, false)) {
                BeanDefinition definition = beanFactory.getBeanDefinition(name);
                String[] dependsOn = definition.getDependsOn();
                String[] merged = dependsOn == null ? new String[] {BROKER_BEAN} : append(dependsOn, BROKER_BEAN);
                definition.setDependsOn(merged);
            }
        };
    }

    static String[] append(String[] values, String value) {
        String[] merged = java.util.Arrays.copyOf(values, values.length + 1);
        merged[values.length] = value;
        return merged;
    }
}
