package dev.mailroom.server.providers.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.providers.DeliveryOutcome;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpOutcomesTest {
    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");

    @Test
    void tooManyRequestsIsRetriedNotBeforeRetryAfterSeconds() {
        DeliveryOutcome outcome = HttpOutcomes.failure("sendgrid", 429, "30", "too many requests", NOW);
        assertThat(outcome)
                .isEqualTo(new DeliveryOutcome.RetryLater(
                        "sendgrid answered 429: too many requests", NOW.plusSeconds(30), true));
    }

    @Test
    void onlyA429IsARateLimitOtherTryLatersAreNot() {
        assertThat(HttpOutcomes.failure("sendgrid", 429, null, null, NOW))
                .isInstanceOfSatisfying(
                        DeliveryOutcome.RetryLater.class,
                        r -> assertThat(r.rateLimited()).isTrue());
        for (int status : new int[] {408, 500, 503}) {
            assertThat(HttpOutcomes.failure("sendgrid", status, "5", null, NOW))
                    .isInstanceOfSatisfying(
                            DeliveryOutcome.RetryLater.class,
                            r -> assertThat(r.rateLimited()).isFalse());
        }
    }

    @Test
    void retryAfterMayBeAnHttpDate() {
        assertThat(HttpOutcomes.retryAfter("Sat, 28 Nov 2026 12:05:00 GMT", NOW))
                .isEqualTo(Instant.parse("2026-11-28T12:05:00Z"));
        assertThat(HttpOutcomes.retryAfter("soon", NOW)).isNull();
        assertThat(HttpOutcomes.retryAfter(null, NOW)).isNull();
    }

    @Test
    void serverErrorsAndTimeoutsAreRetried() {
        assertThat(HttpOutcomes.failure("postmark", 503, null, null, NOW))
                .isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(HttpOutcomes.failure("postmark", 500, null, null, NOW))
                .isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(HttpOutcomes.failure("postmark", 408, null, null, NOW))
                .isInstanceOf(DeliveryOutcome.RetryLater.class);
    }

    @Test
    void otherClientErrorsAreRejectedWithTheProvidersReason() {
        assertThat(HttpOutcomes.failure("resend", 422, null, "invalid_from_address", NOW))
                .isEqualTo(new DeliveryOutcome.Rejected("resend answered 422: invalid_from_address"));
    }

    @Test
    void anUnreachableProviderIsDescribedByTheCauseThatSaysSomething() {
        Exception e = new RuntimeException(null, new java.net.ConnectException(null));
        assertThat(HttpOutcomes.unreachable("mailgun", e))
                .isEqualTo(new DeliveryOutcome.RetryLater("mailgun unreachable: ConnectException", null));
        Exception named = new RuntimeException("I/O error", new java.net.ConnectException("Connection refused"));
        assertThat(((DeliveryOutcome.RetryLater) HttpOutcomes.unreachable("x", named)).reason())
                .endsWith("ConnectException: Connection refused");
    }

    @Test
    void longReasonsAreCutToOneLine() {
        String reason =
                ((DeliveryOutcome.Rejected) HttpOutcomes.failure("x", 400, null, "a\n".repeat(1000), NOW)).reason();
        assertThat(reason).doesNotContain("\n").hasSizeLessThan(520);
    }
}
