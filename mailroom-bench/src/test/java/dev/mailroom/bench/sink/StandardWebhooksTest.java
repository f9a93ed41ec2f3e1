package dev.mailroom.bench.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StandardWebhooksTest {
    // The test vector published with the Standard Webhooks reference libraries.
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final Instant THEN = Instant.ofEpochSecond(TIMESTAMP);

    private final StandardWebhooks verifier = new StandardWebhooks(SECRET);

    @Test
    void signsTheSpecsTestVectorExactly() {
        assertThat(verifier.sign(ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
    }

    @Test
    void theWhsecPrefixIsOptional() {
        assertThat(new StandardWebhooks(SECRET.substring("whsec_".length())).sign(ID, TIMESTAMP, BODY))
                .isEqualTo(SIGNATURE);
    }

    @Test
    void acceptsTheSpecsTestVector() {
        assertThat(verifier.verify(ID, String.valueOf(TIMESTAMP), SIGNATURE, BODY, THEN))
                .isEqualTo(StandardWebhooks.Verdict.VALID);
    }

    @Test
    void acceptsWhenAnyOfSeveralSignaturesMatchesAndSkipsOtherVersions() {
        String header = "v2,abc v1,bm9wZQ== " + SIGNATURE;

        assertThat(verifier.verify(ID, String.valueOf(TIMESTAMP), header, BODY, THEN))
                .isEqualTo(StandardWebhooks.Verdict.VALID);
    }

    @Test
    void refusesAChangedBodyIdOrSignature() {
        byte[] changed = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);

        assertThat(verifier.verify(ID, String.valueOf(TIMESTAMP), SIGNATURE, changed, THEN))
                .isEqualTo(StandardWebhooks.Verdict.BAD_SIGNATURE);
        assertThat(verifier.verify("msg_other", String.valueOf(TIMESTAMP), SIGNATURE, BODY, THEN))
                .isEqualTo(StandardWebhooks.Verdict.BAD_SIGNATURE);
        assertThat(verifier.verify(ID, String.valueOf(TIMESTAMP), "v1,bm9wZQ==", BODY, THEN))
                .isEqualTo(StandardWebhooks.Verdict.BAD_SIGNATURE);
        assertThat(new StandardWebhooks("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]))
                        .verify(ID, String.valueOf(TIMESTAMP), SIGNATURE, BODY, THEN))
                .isEqualTo(StandardWebhooks.Verdict.BAD_SIGNATURE);
    }

    @Test
    void refusesATimestampOutsideTheToleranceEitherWay() {
        assertThat(verifier.verify(ID, String.valueOf(TIMESTAMP), SIGNATURE, BODY, THEN.plusSeconds(301)))
                .isEqualTo(StandardWebhooks.Verdict.STALE_TIMESTAMP);
        assertThat(verifier.verify(ID, String.valueOf(TIMESTAMP), SIGNATURE, BODY, THEN.minusSeconds(301)))
                .isEqualTo(StandardWebhooks.Verdict.STALE_TIMESTAMP);
        assertThat(verifier.verify(ID, String.valueOf(TIMESTAMP), SIGNATURE, BODY, THEN.plusSeconds(299)))
                .isEqualTo(StandardWebhooks.Verdict.VALID);
    }

    @Test
    void aMissingOrUnreadableHeaderIsNotValid() {
        assertThat(verifier.verify(null, String.valueOf(TIMESTAMP), SIGNATURE, BODY, THEN))
                .isEqualTo(StandardWebhooks.Verdict.MISSING_HEADERS);
        assertThat(verifier.verify(ID, "soon", SIGNATURE, BODY, THEN))
                .isEqualTo(StandardWebhooks.Verdict.MISSING_HEADERS);
        assertThat(verifier.verify(ID, String.valueOf(TIMESTAMP), null, BODY, THEN))
                .isEqualTo(StandardWebhooks.Verdict.MISSING_HEADERS);
    }
}
