package dev.mailroom.server.support;

import dev.mailroom.server.MailroomApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;

/**
 * Mailroom started in this JVM on the embedded broker and a fresh data directory, whatever {@code SPRING_*} a CI run
 * sets: for tests about one part (a pool, a route) that choose their database themselves in {@code more}.
 */
public final class EmbeddedContexts {
    private EmbeddedContexts() {}

    public static ConfigurableApplicationContext start(String roles, List<String> more) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        List<String> args = new ArrayList<>(List.of(
                "--mailroom.roles=" + roles,
                "--mailroom.data-dir=" + TestDataDir.create(),
                "--mailroom.embedded.amqp-port=0",
                "--server.port=0"));
        args.addAll(more);
        return new SpringApplicationBuilder(MailroomApplication.class)
                .environment(environment)
                .run(args.toArray(String[]::new));
    }
}
