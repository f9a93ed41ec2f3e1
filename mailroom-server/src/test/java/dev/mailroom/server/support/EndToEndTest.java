package dev.mailroom.server.support;

import dev.mailroom.server.MailroomApplication;
import dev.mailroom.server.api.NonAdminTestKey;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

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
@SpringBootTest(
        classes = MailroomApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "mailroom.embedded.amqp-port=0",
            "mailroom.api.bootstrap-key=" + ApiClient.TEST_KEY,
            "mailroom.api.platform-key=" + ApiClient.TEST_PLATFORM_KEY,
            "mailroom.accounts.first-operator.password=" + ApiClient.TEST_OPERATOR_PASSWORD,
            "mailroom.accounts.last-used-flush=PT0.5S",
            // A plan with send limits, for the tests of limits by plan (SendLimitsTest).
            "mailroom.accounts.plans.test-tiny.per-minute=3",
            "mailroom.accounts.plans.test-tiny.per-day=1000",
            // The suite runs on RabbitMQ + PostgreSQL too, where the sandbox is off unless enabled. The
            // sandbox is the suite's default provider (many tests sign its webhooks with ApiClient's secret),
            // so its settings stay here; every other provider's come from its own test package.
            "mailroom.providers.sandbox.enabled=true",
            "mailroom.providers.sandbox.webhook-secret=" + ApiClient.TEST_SANDBOX_SECRET,
            "mailroom.management.metrics-token=" + ApiClient.TEST_METRICS_TOKEN,
            "mailroom.providers.sandbox.event-delay=PT0.05S",
            "mailroom.operator.retry-backoff=PT0.1S",
            "mailroom.operator.max-attempts=3",
            "mailroom.operator.release-interval=PT0.2S",
            // Tests make the scripted provider defer on purpose, many times in one shared context; its
            // circuit breaker must not open across tests (ProviderRouterTest covers the breaker).
            "mailroom.dispatcher.circuit-breaker.minimum-calls=1000",
            "mailroom.dispatcher.circuit-breaker.window=1000",
            // Every test posts from 127.0.0.1 and many post forged webhooks on purpose: not blocked for it
            // (WebhookAttacksTest uses other addresses).
            "mailroom.webhooks.auth-failures.max=1000",
            // The notifier's tests run their customer endpoints on loopback over http, and fail them for seconds.
            "mailroom.notifier.allow-http=true",
            "mailroom.notifier.allow-private-addresses=true",
            "mailroom.notifier.retry-schedule=PT0.2S,PT0.4S,PT0.8S,PT1S,PT1S,PT1S,PT1S,PT1S,PT1S,PT1S,PT1S,PT1S,PT1S,PT1S,PT1S,PT1S,PT1S,PT1S,PT1S,PT1S",
            "mailroom.notifier.attempt-timeout=PT2S",
            "mailroom.notifier.fast-path-wait=PT0.5S",
            "mailroom.notifier.retry-interval=PT0.1S",
            // Erasures of a few emails still take several batches, as a long history's do.
            "mailroom.erasure.batch-size=2",
            "mailroom.erasure.poll-interval=PT0.2S",
            // Retention of a few emails still takes several batches, as a long history's does (RetentionTest).
            "mailroom.retention.batch-size=2"
        })
// Each provider's credentials and fakes come from its own test package (ProviderFixtures).
@TestPropertySource(locations = ProviderFixtures.PROPERTIES)
@Import({TestProviders.class, AllProviderFixtures.class, NonAdminTestKey.class})
public @interface EndToEndTest {}
