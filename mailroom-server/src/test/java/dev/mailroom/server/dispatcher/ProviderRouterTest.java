package dev.mailroom.server.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.contracts.SettingNames;
import dev.mailroom.contracts.SettingsSnapshot;
import dev.mailroom.server.EnabledProviders;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.EmailSender;
import dev.mailroom.server.providers.OutboundEmail;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProviderRouterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    private static final OutboundEmail EMAIL = new OutboundEmail(
            UUID.randomUUID(),
            1,
            new Email(
                    Address.of("app@example.com"),
                    List.of(Recipient.of("ada@example.org")),
                    null,
                    null,
                    null,
                    "Hi",
                    "x",
                    null,
                    null,
                    null,
                    null,
                    null));

    /** A provider whose answer the test sets, counting its sends. */
    static final class ScriptedProvider implements EmailSender {
        final String name;
        DeliveryOutcome answer;
        final AtomicInteger sends = new AtomicInteger();

        ScriptedProvider(String name, DeliveryOutcome answer) {
            this.name = name;
            this.answer = answer;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DeliveryOutcome send(OutboundEmail email) {
            sends.incrementAndGet();
            return answer;
        }
    }

    private final ScriptedProvider primary =
            new ScriptedProvider("sendgrid", new DeliveryOutcome.RetryLater("503", null));
    private final ScriptedProvider backup = new ScriptedProvider("postmark", new DeliveryOutcome.Accepted("pm-1"));
    private final DefaultProvider defaultProvider = new DefaultProvider(new EnabledProviders(
            new org.springframework.mock.env.MockEnvironment(),
            List.of(),
            new MailroomProperties(
                    null,
                    Path.of("x"),
                    null,
                    null,
                    null,
                    null,
                    new MailroomProperties.Broker("rabbitmq", Duration.ofSeconds(15), 10),
                    new MailroomProperties.Providers("sendgrid", List.of()))));

    private ProviderRouter router(List<String> failover, Map<String, Integer> rateLimits) {
        MailroomProperties.Dispatcher dispatcher = new MailroomProperties.Dispatcher(
                50, 1, 4, rateLimits, new MailroomProperties.CircuitBreaker(50, 10, 4, Duration.ofMinutes(1)));
        MailroomProperties properties = new MailroomProperties(
                null,
                Path.of("x"),
                null,
                null,
                null,
                dispatcher,
                new MailroomProperties.Broker("rabbitmq", Duration.ofSeconds(15), 10),
                new MailroomProperties.Providers(null, failover));
        failoverOrder = new FailoverOrder(properties);
        quotas = time.quotasAlone(dispatcher, meters);
        return new ProviderRouter(
                List.of(primary, backup), defaultProvider, failoverOrder, properties, CLOCK, quotas, meters);
    }

    private final FakeTime time = new FakeTime();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /** The shared quotas of the last router made (alone in the installation, on virtual time). */
    private ProviderQuotas quotas;

    /** The failover order of the last router made; a test feeds it settings broadcasts. */
    private FailoverOrder failoverOrder;

    private static SettingsSnapshot failoverSetting(long version, String value) {
        return new SettingsSnapshot(version, Map.of(SettingNames.FAILOVER, value), CLOCK.instant());
    }

    private static void openTheBreakerOf(ProviderRouter router) {
        for (int i = 0; i < 4; i++) {
            assertThat(router.send(null, EMAIL).provider()).isEqualTo("sendgrid");
        }
    }

    @Test
    void theDefaultProviderSendsWhileItIsHealthy() {
        primary.answer = new DeliveryOutcome.Accepted("sg-1");
        ProviderRouter.Routed routed = router(List.of("postmark"), Map.of()).send(null, EMAIL);

        assertThat(routed).isEqualTo(new ProviderRouter.Routed("sendgrid", new DeliveryOutcome.Accepted("sg-1")));
        assertThat(backup.sends).hasValue(0);
    }

    @Test
    void whenTheDefaultKeepsFailingTheNextFailoverProviderTakesOver() {
        ProviderRouter router = router(List.of("postmark"), Map.of());
        for (int i = 0; i < 4; i++) {
            assertThat(router.send(null, EMAIL).provider()).isEqualTo("sendgrid");
        }

        ProviderRouter.Routed routed = router.send(null, EMAIL);

        assertThat(routed).isEqualTo(new ProviderRouter.Routed("postmark", new DeliveryOutcome.Accepted("pm-1")));
        assertThat(primary.sends).hasValue(4);
    }

    @Test
    void refusalsDoNotCountAsTrouble() {
        primary.answer = new DeliveryOutcome.Rejected("400 bad address");
        ProviderRouter router = router(List.of("postmark"), Map.of());
        for (int i = 0; i < 10; i++) {
            router.send(null, EMAIL);
        }
        assertThat(router.send(null, EMAIL).provider()).isEqualTo("sendgrid");
    }

    @Test
    void aMessageThatNamesItsProviderNeverFailsOver() {
        ProviderRouter router = router(List.of("postmark"), Map.of());
        for (int i = 0; i < 4; i++) {
            router.send("sendgrid", EMAIL);
        }

        ProviderRouter.Routed routed = router.send("sendgrid", EMAIL);

        assertThat(routed.provider()).isEqualTo("sendgrid");
        assertThat(routed.outcome())
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "provider 'sendgrid' is failing (circuit open)",
                        CLOCK.instant().plus(Duration.ofMinutes(1))));
        assertThat(backup.sends).hasValue(0);
        assertThat(primary.sends).hasValue(4);
    }

    @Test
    void aNamedProviderThatIsNotConfiguredIsRefused() {
        ProviderRouter.Routed routed = router(List.of(), Map.of()).send("mailgun", EMAIL);
        assertThat(routed.outcome()).isInstanceOf(DeliveryOutcome.Rejected.class);
        assertThat(((DeliveryOutcome.Rejected) routed.outcome()).reason())
                .contains("mailgun")
                .contains("not configured");
    }

    @Test
    void theDefaultFollowsTheNewestSettingsBroadcast() {
        ProviderRouter router = router(List.of(), Map.of());
        defaultProvider.follow(
                new SettingsSnapshot(2, Map.of(SettingNames.DEFAULT_PROVIDER, "postmark"), CLOCK.instant()));
        defaultProvider.follow(
                new SettingsSnapshot(1, Map.of(SettingNames.DEFAULT_PROVIDER, "sendgrid"), CLOCK.instant()));

        assertThat(router.send(null, EMAIL).provider()).isEqualTo("postmark");
    }

    @Test
    void aFailoverOrderSetAtRunTimeReplacesTheConfiguredOne() {
        ProviderRouter router = router(List.of(), Map.of());
        failoverOrder.follow(failoverSetting(3, "postmark"));
        openTheBreakerOf(router);

        ProviderRouter.Routed routed = router.send(null, EMAIL);

        assertThat(routed).isEqualTo(new ProviderRouter.Routed("postmark", new DeliveryOutcome.Accepted("pm-1")));
    }

    @Test
    void anEmptyFailoverOrderSetAtRunTimeTurnsFailoverOff() {
        ProviderRouter router = router(List.of("postmark"), Map.of());
        failoverOrder.follow(failoverSetting(3, ""));
        openTheBreakerOf(router);

        ProviderRouter.Routed routed = router.send(null, EMAIL);

        assertThat(routed.provider()).isEqualTo("sendgrid");
        assertThat(routed.outcome()).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(backup.sends).hasValue(0);
    }

    @Test
    void aRunTimeFailoverProviderThisDispatcherHasNotGotIsSkipped() {
        ProviderRouter router = router(List.of(), Map.of());
        failoverOrder.follow(failoverSetting(3, "ses,postmark"));
        openTheBreakerOf(router);

        assertThat(router.send(null, EMAIL).provider()).isEqualTo("postmark");
    }

    @Test
    void theFailoverOrderFollowsTheNewestBroadcastAndKeepsItWhenASnapshotHasNone() {
        router(List.of("postmark"), Map.of());
        failoverOrder.follow(failoverSetting(5, ""));
        failoverOrder.follow(failoverSetting(4, "postmark"));
        failoverOrder.follow(
                new SettingsSnapshot(6, Map.of(SettingNames.DEFAULT_PROVIDER, "sendgrid"), CLOCK.instant()));

        assertThat(failoverOrder.providers()).isEmpty();
    }

    @Test
    void underTheRateLimitSendsWaitTheirTurnEvenlySpaced() {
        primary.answer = new DeliveryOutcome.Accepted("sg");
        ProviderRouter router = router(List.of(), Map.of("sendgrid", 2));
        for (int i = 0; i < 6; i++) {
            assertThat(router.send(null, EMAIL).outcome()).isEqualTo(new DeliveryOutcome.Accepted("sg"));
        }
        // Sent at 0, 0.53, … 2.63 s (2/s less the headroom): one wait per send after the first.
        assertThat(time.nanos()).isEqualTo(5 * Math.round(1e9 / (2 * ProviderQuotas.HEADROOM)));
        assertThat(primary.sends).hasValue(6);
        assertThat(meters.counter("mailroom.dispatch.quota.waited", "provider", "sendgrid")
                        .count())
                .isEqualTo(5);
    }

    @Test
    void aRateLimitedAnswerNeverOpensTheBreakerAndHoldsTheProviderOffUntilItsRetryAfter() {
        primary.answer = new DeliveryOutcome.RetryLater(
                "sendgrid answered 429", time.instant().plusSeconds(60), true);
        ProviderRouter router = router(List.of(), Map.of());
        List<Duration> broadcasts = new java.util.ArrayList<>();
        quotas.broadcastWith((provider, backoff) -> broadcasts.add(backoff));

        ProviderRouter.Routed first = router.send(null, EMAIL);
        assertThat(first.outcome()).isEqualTo(primary.answer);
        for (int i = 0; i < 10; i++) {
            ProviderRouter.Routed later = router.send(null, EMAIL);
            assertThat(later.outcome())
                    .isInstanceOfSatisfying(
                            DeliveryOutcome.RetryLater.class,
                            r -> assertThat(r.notBefore())
                                    .isEqualTo(time.instant().plusSeconds(60)));
        }

        assertThat(primary.sends).as("held off: asked once").hasValue(1);
        assertThat(broadcasts).containsExactly(Duration.ofSeconds(60));
        assertThat(router.breaker("sendgrid").getState())
                .isEqualTo(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED);
        time.advance(Duration.ofSeconds(61));
        primary.answer = new DeliveryOutcome.Accepted("sg-2");
        assertThat(router.send(null, EMAIL).outcome()).isEqualTo(new DeliveryOutcome.Accepted("sg-2"));
    }

    @Test
    void whileTheDefaultIsHeldOffByABackOffTheFailoverProviderSends() {
        ProviderRouter router = router(List.of("postmark"), Map.of());
        quotas.backoffReceived("sendgrid", Duration.ofSeconds(30));

        ProviderRouter.Routed routed = router.send(null, EMAIL);

        assertThat(routed).isEqualTo(new ProviderRouter.Routed("postmark", new DeliveryOutcome.Accepted("pm-1")));
        assertThat(primary.sends).hasValue(0);
    }

    @Test
    void aShortBackOffIsWaitedOutInsteadOfDeferred() {
        primary.answer = new DeliveryOutcome.Accepted("sg");
        ProviderRouter router = router(List.of(), Map.of());
        quotas.backoffReceived("sendgrid", Duration.ofSeconds(2));

        assertThat(router.send(null, EMAIL).outcome()).isEqualTo(new DeliveryOutcome.Accepted("sg"));
        assertThat(time.nanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void aFailoverListNamingAnUnconfiguredProviderStopsTheStart() {
        assertThatThrownBy(() -> router(List.of("ses"), Map.of())).hasMessageContaining("ses");
    }

    @Test
    void eachProviderCallIsTimedUnderItsProviderAndOutcome() {
        ProviderRouter router = router(List.of(), Map.of());
        // Every configured provider's meters exist before any send: the breaker closed, no call counted.
        assertThat(meters.get("resilience4j.circuitbreaker.state")
                        .tags("name", "postmark", "state", "closed")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        assertThat(meters.get("mailroom.dispatch.quota.waited")
                        .tags("provider", "postmark")
                        .counter()
                        .count())
                .isZero();

        router.send("sendgrid", EMAIL);
        primary.answer =
                new DeliveryOutcome.RetryLater("sendgrid unreachable: HttpTimeoutException: request timed out", null);
        router.send("sendgrid", EMAIL);
        primary.answer = new DeliveryOutcome.Rejected("sendgrid answered 400: bad address");
        router.send("sendgrid", EMAIL);
        // Last: a 429 holds every dispatcher off sendgrid, and the next send would not reach it.
        primary.answer = new DeliveryOutcome.RetryLater("sendgrid answered 429", null, true);
        router.send("sendgrid", EMAIL);
        router.send("postmark", EMAIL);

        for (var expected : Map.of(
                        "unavailable", "sendgrid",
                        "timeout", "sendgrid",
                        "rate-limited", "sendgrid",
                        "refused", "sendgrid",
                        "accepted", "postmark")
                .entrySet()) {
            assertThat(meters.get("mailroom.dispatch.provider.calls")
                            .tags("provider", expected.getValue(), "outcome", expected.getKey())
                            .timer()
                            .count())
                    .as(expected.toString())
                    .isEqualTo(1);
        }
        assertThat(meters.get("mailroom.dispatch.provider.calls")
                        .tags("provider", "sendgrid", "outcome", "accepted")
                        .timer()
                        .count())
                .isZero();
    }
}
