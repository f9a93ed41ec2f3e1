package dev.mailroom.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Standard Webhooks check, first against the specification's published vector (the one its libraries test
 * with, libraries/java WebhookTest: secret, id, timestamp 1614265330, payload, signature), with the clock at the
 * vector's timestamp.
 */
class WebhookVerifierTest {
    static final String VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long VECTOR_TIMESTAMP = 1614265330L;
    static final byte[] VECTOR_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    static final String VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    static final String OTHER_SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);

    private static Clock at(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }

    private static WebhookVerifier verifier(Clock clock, String... secrets) {
        return new WebhookVerifier(List.of(secrets), WebhookVerifier.DEFAULT_TOLERANCE, clock);
    }

    @Test
    void acceptsThePublishedVectorAndAnswersTheWebhookId() throws Exception {
        WebhookVerifier verifier = verifier(at(VECTOR_TIMESTAMP), VECTOR_SECRET);

        assertThat(verifier.verify(VECTOR_ID, Long.toString(VECTOR_TIMESTAMP), VECTOR_SIGNATURE, VECTOR_BODY))
                .isEqualTo(VECTOR_ID);
    }

    @Test
    void signsThePublishedVectorAsTheSpecificationDoes() {
        assertThat(verifier(at(VECTOR_TIMESTAMP), VECTOR_SECRET).sign(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY))
                .isEqualTo(VECTOR_SIGNATURE);
    }

    @Test
    void readsTheHeadersWhateverTheirCase() throws Exception {
        Map<String, List<String>> headers = Map.of(
                "Webhook-Id", List.of(VECTOR_ID),
                "WEBHOOK-TIMESTAMP", List.of(Long.toString(VECTOR_TIMESTAMP)),
                "webhook-signature", List.of(VECTOR_SIGNATURE));

        assertThat(verifier(at(VECTOR_TIMESTAMP), VECTOR_SECRET).verify(headers, VECTOR_BODY))
                .isEqualTo(VECTOR_ID);
    }

    @Test
    void refusesATamperedBody() {
        byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> verifier(at(VECTOR_TIMESTAMP), VECTOR_SECRET)
                        .verify(VECTOR_ID, Long.toString(VECTOR_TIMESTAMP), VECTOR_SIGNATURE, tampered))
                .isInstanceOf(WebhookVerificationException.class)
                .hasMessageContaining("no webhook-signature matches");
    }

    @Test
    void refusesAnotherIdOrTimestampUnderTheSameSignature() {
        WebhookVerifier verifier = verifier(at(VECTOR_TIMESTAMP), VECTOR_SECRET);

        assertThatThrownBy(() ->
                        verifier.verify("msg_other", Long.toString(VECTOR_TIMESTAMP), VECTOR_SIGNATURE, VECTOR_BODY))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() ->
                        verifier.verify(VECTOR_ID, Long.toString(VECTOR_TIMESTAMP + 1), VECTOR_SIGNATURE, VECTOR_BODY))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void refusesATimestampOutsideTheToleranceEitherWay() {
        String timestamp = Long.toString(VECTOR_TIMESTAMP);

        assertThatThrownBy(() -> verifier(at(VECTOR_TIMESTAMP + 301), VECTOR_SECRET)
                        .verify(VECTOR_ID, timestamp, VECTOR_SIGNATURE, VECTOR_BODY))
                .isInstanceOf(WebhookVerificationException.class)
                .hasMessageContaining("too old");
        assertThatThrownBy(() -> verifier(at(VECTOR_TIMESTAMP - 301), VECTOR_SECRET)
                        .verify(VECTOR_ID, timestamp, VECTOR_SIGNATURE, VECTOR_BODY))
                .isInstanceOf(WebhookVerificationException.class)
                .hasMessageContaining("too new");
    }

    @Test
    void aTimestampChosenToOverflowIsRefusedNotThrown() {
        for (String timestamp : List.of("99999999999999999", "-99999999999999999", "9223372036854775807")) {
            assertThatThrownBy(() -> verifier(at(VECTOR_TIMESTAMP), VECTOR_SECRET)
                            .verify(VECTOR_ID, timestamp, VECTOR_SIGNATURE, VECTOR_BODY))
                    .as(timestamp)
                    .isInstanceOf(WebhookVerificationException.class)
                    .hasMessageContaining("webhook-timestamp is too");
        }
    }

    @Test
    void acceptsATimestampJustWithinTheTolerance() throws Exception {
        assertThat(verifier(at(VECTOR_TIMESTAMP + 300), VECTOR_SECRET)
                        .verify(VECTOR_ID, Long.toString(VECTOR_TIMESTAMP), VECTOR_SIGNATURE, VECTOR_BODY))
                .isEqualTo(VECTOR_ID);
    }

    @Test
    void duringARotationEitherSecretVerifiesAndAnyOfSeveralSignaturesMayMatch() throws Exception {
        String timestamp = Long.toString(VECTOR_TIMESTAMP);
        // Mailroom signs with both secrets during a rotation's grace: one v1 signature per secret.
        String bothSignatures = verifier(at(VECTOR_TIMESTAMP), OTHER_SECRET, VECTOR_SECRET)
                .sign(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY);
        assertThat(bothSignatures.split(" ")).hasSize(2).contains(VECTOR_SIGNATURE);

        // A receiver that still has only the old secret, one that has only the new, one that has both.
        assertThat(verifier(at(VECTOR_TIMESTAMP), VECTOR_SECRET)
                        .verify(VECTOR_ID, timestamp, bothSignatures, VECTOR_BODY))
                .isEqualTo(VECTOR_ID);
        assertThat(verifier(at(VECTOR_TIMESTAMP), OTHER_SECRET)
                        .verify(VECTOR_ID, timestamp, bothSignatures, VECTOR_BODY))
                .isEqualTo(VECTOR_ID);
        // A receiver configured with both, given a delivery signed with the old secret only.
        assertThat(verifier(at(VECTOR_TIMESTAMP), OTHER_SECRET, VECTOR_SECRET)
                        .verify(VECTOR_ID, timestamp, VECTOR_SIGNATURE, VECTOR_BODY))
                .isEqualTo(VECTOR_ID);
    }

    @Test
    void aSecretThatSignedNothingHereDoesNotVerify() {
        assertThatThrownBy(() -> verifier(at(VECTOR_TIMESTAMP), OTHER_SECRET)
                        .verify(VECTOR_ID, Long.toString(VECTOR_TIMESTAMP), VECTOR_SIGNATURE, VECTOR_BODY))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void ignoresOtherSchemesAndBrokenSignaturesInTheList() throws Exception {
        String header = "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,!!notbase64 garbage " + VECTOR_SIGNATURE;

        assertThat(verifier(at(VECTOR_TIMESTAMP), VECTOR_SECRET)
                        .verify(VECTOR_ID, Long.toString(VECTOR_TIMESTAMP), header, VECTOR_BODY))
                .isEqualTo(VECTOR_ID);
        // The right signature under another scheme name does not count.
        assertThatThrownBy(() -> verifier(at(VECTOR_TIMESTAMP), VECTOR_SECRET)
                        .verify(
                                VECTOR_ID,
                                Long.toString(VECTOR_TIMESTAMP),
                                "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
                                VECTOR_BODY))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void refusesMissingHeaders() {
        assertThatThrownBy(() -> verifier(at(VECTOR_TIMESTAMP), VECTOR_SECRET).verify(name -> null, VECTOR_BODY))
                .isInstanceOf(WebhookVerificationException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void aSecretThatIsNotBase64IsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> WebhookVerifier.of(List.of(VECTOR_SECRET, "whsec_not*base64")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secrets[1]")
                .hasMessageNotContaining("not*base64");
        assertThatThrownBy(() -> WebhookVerifier.of(List.of())).hasMessageContaining("at least one");
    }

    @Test
    void acceptsTheSecretWithoutItsPrefix() throws Exception {
        assertThat(verifier(at(VECTOR_TIMESTAMP), "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                        .verify(VECTOR_ID, Long.toString(VECTOR_TIMESTAMP), VECTOR_SIGNATURE, VECTOR_BODY))
                .isEqualTo(VECTOR_ID);
    }

    @Test
    void aZeroToleranceStillAcceptsTheCurrentSecond() throws Exception {
        WebhookVerifier strict = new WebhookVerifier(List.of(VECTOR_SECRET), Duration.ZERO, at(VECTOR_TIMESTAMP));

        assertThat(strict.verify(VECTOR_ID, Long.toString(VECTOR_TIMESTAMP), VECTOR_SIGNATURE, VECTOR_BODY))
                .isEqualTo(VECTOR_ID);
    }
}
