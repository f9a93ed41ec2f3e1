package dev.mailroom.server.providers.sendgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The Signed Event Webhook check, first against SendGrid's own published test vector (the one in
 * its SDKs' EventWebhook tests), with the clock fixed at the vector's timestamp.
 */
class SendGridSignatureTest {
    // SendGrid's published test vector.
    static final String OFFICIAL_PUBLIC_KEY =
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==";
    static final String OFFICIAL_SIGNATURE =
            "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=";
    static final String OFFICIAL_TIMESTAMP = "1600112502";
    /** Compact JSON with the trailing CRLF SendGrid sends; the signature covers both. */
    static final String OFFICIAL_PAYLOAD =
            "[{\"email\":\"hello@world.com\",\"event\":\"dropped\",\"reason\":\"Bounced Address\","
                    + "\"sg_event_id\":\"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA\","
                    + "\"sg_message_id\":\"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0\","
                    + "\"smtp-id\":\"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>\",\"timestamp\":1600112492}]\r\n";
    /** The vector's "wrong key" and "wrong signature". */
    static final String OTHER_PUBLIC_KEY =
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==";

    static final String OTHER_SIGNATURE =
            "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH3j/0=";
    static final Instant VECTOR_TIME = Instant.ofEpochSecond(1600112502);
    private static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final byte[] PAYLOAD = OFFICIAL_PAYLOAD.getBytes(StandardCharsets.UTF_8);

    private final SendGridSignature official = SendGridSignature.fromVerificationKey(OFFICIAL_PUBLIC_KEY);

    @Test
    void sendGridsPublishedTestVectorVerifies() {
        assertThat(official.problemWith(OFFICIAL_SIGNATURE, OFFICIAL_TIMESTAMP, PAYLOAD, VECTOR_TIME, TOLERANCE))
                .isNull();
    }

    @Test
    void theTrailingLineBreakIsPartOfWhatIsSigned() {
        byte[] withoutCrLf = OFFICIAL_PAYLOAD.strip().getBytes(StandardCharsets.UTF_8);

        assertThat(official.problemWith(OFFICIAL_SIGNATURE, OFFICIAL_TIMESTAMP, withoutCrLf, VECTOR_TIME, TOLERANCE))
                .isEqualTo("signature does not match");
    }

    @Test
    void aChangedByteOfTheBodyIsRefused() {
        byte[] changed = OFFICIAL_PAYLOAD.replace("dropped", "dropper").getBytes(StandardCharsets.UTF_8);

        assertThat(official.problemWith(OFFICIAL_SIGNATURE, OFFICIAL_TIMESTAMP, changed, VECTOR_TIME, TOLERANCE))
                .isEqualTo("signature does not match");
    }

    @Test
    void aChangedTimestampIsRefusedBecauseItIsSigned() {
        assertThat(official.problemWith(OFFICIAL_SIGNATURE, "1600112503", PAYLOAD, VECTOR_TIME, TOLERANCE))
                .isEqualTo("signature does not match");
    }

    @Test
    void anotherKeyOrAnotherSignatureIsRefused() {
        assertThat(SendGridSignature.fromVerificationKey(OTHER_PUBLIC_KEY)
                        .problemWith(OFFICIAL_SIGNATURE, OFFICIAL_TIMESTAMP, PAYLOAD, VECTOR_TIME, TOLERANCE))
                .isEqualTo("signature does not match");
        assertThat(official.problemWith(OTHER_SIGNATURE, OFFICIAL_TIMESTAMP, PAYLOAD, VECTOR_TIME, TOLERANCE))
                .isEqualTo("signature does not match");
    }

    @Test
    void aCorrectSignatureOlderOrNewerThanTheToleranceIsRefused() {
        assertThat(official.problemWith(
                        OFFICIAL_SIGNATURE, OFFICIAL_TIMESTAMP, PAYLOAD, VECTOR_TIME.plusSeconds(300), TOLERANCE))
                .isNull();
        assertThat(official.problemWith(
                        OFFICIAL_SIGNATURE, OFFICIAL_TIMESTAMP, PAYLOAD, VECTOR_TIME.plusSeconds(301), TOLERANCE))
                .isEqualTo("timestamp is 301s old; at most 300s is accepted");
        assertThat(official.problemWith(
                        OFFICIAL_SIGNATURE, OFFICIAL_TIMESTAMP, PAYLOAD, VECTOR_TIME.minusSeconds(301), TOLERANCE))
                .contains("-301s old");
    }

    @Test
    void missingOrUnreadableHeadersAreRefusedWithTheirName() {
        assertThat(official.problemWith(null, OFFICIAL_TIMESTAMP, PAYLOAD, VECTOR_TIME, TOLERANCE))
                .isEqualTo("missing X-Twilio-Email-Event-Webhook-Signature header");
        assertThat(official.problemWith(OFFICIAL_SIGNATURE, " ", PAYLOAD, VECTOR_TIME, TOLERANCE))
                .isEqualTo("missing X-Twilio-Email-Event-Webhook-Timestamp header");
        assertThat(official.problemWith(OFFICIAL_SIGNATURE, "timestamp", PAYLOAD, VECTOR_TIME, TOLERANCE))
                .isEqualTo("X-Twilio-Email-Event-Webhook-Timestamp must be unix seconds");
        assertThat(official.problemWith("not base64!", OFFICIAL_TIMESTAMP, PAYLOAD, VECTOR_TIME, TOLERANCE))
                .isEqualTo("X-Twilio-Email-Event-Webhook-Signature is not base64");
        assertThat(official.problemWith(
                        Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}),
                        OFFICIAL_TIMESTAMP,
                        PAYLOAD,
                        VECTOR_TIME,
                        TOLERANCE))
                .isEqualTo("signature does not match");
    }

    @Test
    void theTestKeyPairSignsAndVerifies() {
        byte[] body = "[{\"event\":\"delivered\"}]\r\n".getBytes(StandardCharsets.UTF_8);
        String t = Long.toString(VECTOR_TIME.getEpochSecond());

        SendGridSignature ours = SendGridSignature.fromVerificationKey(SendGridTestKeys.PUBLIC_KEY);

        assertThat(ours.problemWith(SendGridTestKeys.sign(t, body), t, body, VECTOR_TIME, TOLERANCE))
                .isNull();
        assertThat(official.problemWith(SendGridTestKeys.sign(t, body), t, body, VECTOR_TIME, TOLERANCE))
                .isEqualTo("signature does not match");
    }

    @Test
    void theKeyMayBePastedWithPemArmourAndLineBreaks() {
        String pem = "-----BEGIN PUBLIC KEY-----\n" + OFFICIAL_PUBLIC_KEY.substring(0, 64) + "\n"
                + OFFICIAL_PUBLIC_KEY.substring(64) + "\n-----END PUBLIC KEY-----\n";

        assertThat(SendGridSignature.fromVerificationKey(pem)
                        .problemWith(OFFICIAL_SIGNATURE, OFFICIAL_TIMESTAMP, PAYLOAD, VECTOR_TIME, TOLERANCE))
                .isNull();
    }

    @Test
    void aKeyThatIsNotAP256PublicKeyIsAConfigurationErrorNamingTheProperty() throws Exception {
        assertThatThrownBy(() -> SendGridSignature.fromVerificationKey("not a key"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mailroom.providers.sendgrid.webhook-public-key");
        KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
        p384.initialize(new ECGenParameterSpec("secp384r1"));
        String other = Base64.getEncoder()
                .encodeToString(p384.generateKeyPair().getPublic().getEncoded());
        assertThatThrownBy(() -> SendGridSignature.fromVerificationKey(other)).hasMessageContaining("P-256");
    }

    @Test
    void aCorrectlySignedTimestampWhoseAgeOverflowsIsRefused() {
        // now - t wraps to Long.MIN_VALUE, whose absolute value is negative: it once passed as fresh.
        SendGridSignature ours = SendGridSignature.fromVerificationKey(SendGridTestKeys.PUBLIC_KEY);
        for (long t : new long[] {VECTOR_TIME.getEpochSecond() + Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE}) {
            String timestamp = Long.toString(t);
            assertThat(ours.problemWith(
                            SendGridTestKeys.sign(timestamp, PAYLOAD), timestamp, PAYLOAD, VECTOR_TIME, TOLERANCE))
                    .as("t=%d", t)
                    .contains("timestamp is");
        }
    }
}
