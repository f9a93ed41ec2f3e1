package dev.mailroom.server.support;

import dev.mailroom.server.MailroomApplication;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;

/**
 * A whole Mailroom (all roles) on a random port, shared by every end-to-end test class: one
 * identical configuration means one application context for the whole suite.
 *
 * <p>With nothing set it runs on the embedded broker and H2 (a fresh data directory per run).
 * With {@code SPRING_RABBITMQ_*} and {@code SPRING_DATASOURCE_*} in the environment, the very
 * same suite runs on RabbitMQ and PostgreSQL ({@code .ci/run} does both).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = MailroomApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "mailroom.embedded.amqp-port=0",
        "mailroom.api.bootstrap-key=" + ApiClient.TEST_KEY,
        "mailroom.providers.sandbox.event-delay=PT0.05S",
        "mailroom.operator.retry-backoff=PT0.1S",
        "mailroom.operator.max-attempts=3",
        "mailroom.operator.release-interval=PT0.2S",
        // The smtp provider's relay is GreenMail; TestProviders registers its port.
        "mailroom.providers.smtp.host=127.0.0.1"
})
@Import(TestProviders.class)
public @interface EndToEndTest {
}
