package dev.mailroom.server.embedded;

import dev.mailroom.server.DataDirectory;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * The data directory of the embedded run is private to the user running Mailroom: created 0700
 * before the embedded database or broker writes anything into it, and every file in it made 0600
 * once the application is up (the databases create theirs with the process's umask).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${" + EmbeddedDefaults.EMBEDDED_BROKER + ":false}' == 'true' or '${"
        + EmbeddedDefaults.EMBEDDED_DATABASE + ":false}' == 'true'")
class EmbeddedDataDirectoryConfiguration {
    static final String DIRECTORY_BEAN = "embeddedDataDirectory";

    /** The data directory, made private when this bean is created. */
    record EmbeddedDataDirectory(Path path) {}

    @Bean(DIRECTORY_BEAN)
    EmbeddedDataDirectory embeddedDataDirectory(Environment env) {
        Path dataDir = DataDirectory.ensurePrivate(EmbeddedDefaults.dataDir(env));
        DataDirectory.ensurePrivate(dataDir.resolve("db"));
        return new EmbeddedDataDirectory(dataDir);
    }

    @EventListener(ApplicationReadyEvent.class)
    void makeFilesPrivate(ApplicationReadyEvent event) {
        DataDirectory.makePrivate(event.getApplicationContext()
                .getBean(EmbeddedDataDirectory.class)
                .path());
    }

    /** The database must not create its files before their directory is private. */
    @Bean
    static BeanFactoryPostProcessor dataSourceWaitsForPrivateDataDirectory() {
        return beanFactory -> {
            for (String name : beanFactory.getBeanNamesForType(DataSource.class, true, false)) {
                BeanDefinition definition = beanFactory.getBeanDefinition(name);
                String[] dependsOn = definition.getDependsOn();
                definition.setDependsOn(
                        dependsOn == null
                                ? new String[] {DIRECTORY_BEAN}
                                : EmbeddedBrokerConfiguration.append(dependsOn, DIRECTORY_BEAN));
            }
        };
    }
}
