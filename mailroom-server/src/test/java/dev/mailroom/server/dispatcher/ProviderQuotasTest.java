package dev.mailroom.server.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.providers.DeliveryOutcome;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderQuotasTest {
    private final FakeTime time = new FakeTime();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private ProviderQuotas quotas(Map<String, Integer> limits) {
        return time.quotasAlone(
                new MailroomProperties.Dispatcher(
                        50,
                        1,
                        4,
                        limits,
                        new MailroomProperties.CircuitBreaker(50, 10, 4, Duration.ofMinutes(1)),
                        new MailroomProperties.Quota(
                                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10))),
                meters);
    }

    @Test
    void aSendWhoseTurnIsFurtherThanTheMaximumWaitIsDeferredToItsTurnAndCounted() {
        // 1/s less the headroom: one send every 1.05 s, within a wait of 2 s, beyond one of 0.5 s.
        ProviderQuotas quotas = quotas(Map.of("sendgrid", 1));
        assertThat(quotas.acquire("sendgrid")).isNull();
        assertThat(quotas.acquire("sendgrid")).isNull();
        long interval = Math.round(1e9 / ProviderQuotas.HEADROOM);
        assertThat(time.nanos()).isEqualTo(interval);

        ProviderQuotas shortWait = new ProviderQuotas(
                new MailroomProperties.Dispatcher(
                        50,
                        1,
                        4,
                        Map.of("sendgrid", 1),
                        new MailroomProperties.CircuitBreaker(50, 10, 4, Duration.ofMinutes(1)),
                        new MailroomProperties.Quota(
                                Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofSeconds(10))),
                FakeTime.alone("me"),
                time,
                time,
                meters);
        long before = time.nanos();
        assertThat(shortWait.acquire("sendgrid")).isNull();
        DeliveryOutcome.RetryLater deferred = shortWait.acquire("sendgrid");

        assertThat(deferred).isNotNull();
        assertThat(time.nanos()).as("deferred at once").isEqualTo(before);
        assertThat(deferred.reason()).contains("send-rate limit of provider 'sendgrid'");
        assertThat(deferred.notBefore()).isEqualTo(time.instant().plusNanos(interval));
        assertThat(deferred.rateLimited()).isFalse();
        assertThat(meters.counter("mailroom.dispatch.quota.deferred", "provider", "sendgrid", "cause", "limit")
                        .count())
                .isEqualTo(1);
    }

    @Test
    void aProviderWithoutALimitIsNeverHeldUp() {
        ProviderQuotas quotas = quotas(Map.of("sendgrid", 2));
        for (int i = 0; i < 100; i++) {
            assertThat(quotas.acquire("postmark")).isNull();
        }
        assertThat(time.nanos()).isZero();
    }

    @Test
    void aRateLimitedAnswerWithoutRetryAfterHoldsTheProviderOffForTheDefaultBackOffAndTellsTheOthers() {
        ProviderQuotas quotas = quotas(Map.of());
        List<String> told = new ArrayList<>();
        quotas.broadcastWith((provider, backoff) -> told.add(provider + " " + backoff));

        DeliveryOutcome.RetryLater answer =
                quotas.rateLimited("postmark", new DeliveryOutcome.RetryLater("postmark answered 429", null, true));
        DeliveryOutcome.RetryLater again =
                quotas.rateLimited("postmark", new DeliveryOutcome.RetryLater("postmark answered 429", null, true));

        assertThat(answer.notBefore()).isEqualTo(time.instant().plusSeconds(10));
        assertThat(again.notBefore()).isEqualTo(time.instant().plusSeconds(10));
        assertThat(told).as("told once: the second 429 did not lengthen it").containsExactly("postmark PT10S");
        assertThat(quotas.backedOffBeyondWait("postmark"))
                .isEqualTo(time.instant().plusSeconds(10));
        DeliveryOutcome.RetryLater held = quotas.acquire("postmark");
        assertThat(held.notBefore()).isEqualTo(time.instant().plusSeconds(10));
        time.advance(Duration.ofSeconds(9));
        assertThat(quotas.acquire("postmark")).as("1 s left: waited out").isNull();
        assertThat(time.nanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
    }

    @Test
    void aBackOffHeardFromAnotherDispatcherHoldsThisOneOffAndIsCounted() {
        ProviderQuotas quotas = quotas(Map.of());
        quotas.backoffReceived("mailgun", Duration.ofSeconds(30));
        quotas.backoffReceived("mailgun", Duration.ofSeconds(5)); // a shorter one does not cut it short

        assertThat(quotas.backedOffBeyondWait("mailgun"))
                .isEqualTo(time.instant().plusSeconds(30));
        assertThat(quotas.backedOffBeyondWait("sendgrid")).isNull();
        assertThat(meters.counter("mailroom.dispatch.quota.backoffs", "provider", "mailgun")
                        .count())
                .isEqualTo(2);
    }

    @Test
    void anAbsurdRetryAfterIsCappedAtAnHour() {
        ProviderQuotas quotas = quotas(Map.of());
        quotas.rateLimited(
                "ses",
                new DeliveryOutcome.RetryLater("throttled", time.instant().plus(Duration.ofDays(30)), true));
        assertThat(quotas.backedOffBeyondWait("ses")).isEqualTo(time.instant().plus(ProviderQuotas.MAX_BACKOFF));
    }

    @Test
    void withoutAShareYetASendWaitsThenIsDeferred() {
        ProviderQuotas quotas = new ProviderQuotas(
                new MailroomProperties.Dispatcher(
                        50,
                        1,
                        4,
                        Map.of("sendgrid", 10),
                        new MailroomProperties.CircuitBreaker(50, 10, 4, Duration.ofMinutes(1)),
                        new MailroomProperties.Quota(
                                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(10))),
                new PeerView("me", Duration.ofSeconds(1), time::nanos),
                time,
                time,
                meters);
        DeliveryOutcome.RetryLater r = quotas.acquire("sendgrid");
        assertThat(r).isNotNull();
        assertThat(r.reason()).contains("no share yet");
        assertThat(time.nanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
    }
}
