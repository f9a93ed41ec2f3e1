package dev.mailroom.server.providers.resend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Svix / Standard Webhooks v1 verification. The vector is the one the Standard Webhooks
 * libraries test their signing with (libraries/java WebhookTest.verifyWebhookSignWorks:
 * secret, msg id, timestamp 1614265330, payload and expected signature), checked here with a
 * clock fixed at that timestamp.
 */
class SvixSignatureTest {
    static final String VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long VECTOR_TIMESTAMP = 1614265330L;
    static final byte[] VECTOR_BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    static final String VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final Instant AT_VECTOR = Instant.ofEpochSecond(VECTOR_TIMESTAMP);
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final SvixSignature svix = new SvixSignature(VECTOR_SECRET);

    private static WebhookRequest request(byte[] body, String... headers) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            map.put(headers[i], List.of(headers[i + 1]));
        }
        return new WebhookRequest(body, map);
    }

    private static WebhookRequest vector(String signature) {
        return request(
                VECTOR_BODY,
                "svix-id",
                VECTOR_ID,
                "svix-timestamp",
                Long.toString(VECTOR_TIMESTAMP),
                "svix-signature",
                signature);
    }

    private static String rejection(Runnable verification) {
        try {
            verification.run();
        } catch (WebhookRejectedException e) {
            assertThat(e.status()).isEqualTo(401);
            return e.getMessage();
        }
        throw new AssertionError("expected the call to be refused");
    }

    @Test
    void signsThePublishedVectorAsTheStandardWebhooksLibrariesDo() {
        assertThat(svix.sign(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)).isEqualTo(VECTOR_SIGNATURE);
    }

    @Test
    void acceptsThePublishedVectorAndAnswersTheMessageId() {
        assertThat(svix.verify(vector(VECTOR_SIGNATURE), AT_VECTOR, TOLERANCE)).isEqualTo(VECTOR_ID);
    }

    @Test
    void acceptsTheUnbrandedStandardWebhooksHeaderNames() {
        WebhookRequest unbranded = request(
                VECTOR_BODY,
                "Webhook-Id",
                VECTOR_ID,
                "Webhook-Timestamp",
                Long.toString(VECTOR_TIMESTAMP),
                "Webhook-Signature",
                VECTOR_SIGNATURE);

        assertThat(svix.verify(unbranded, AT_VECTOR, TOLERANCE)).isEqualTo(VECTOR_ID);
    }

    @Test
    void acceptsTheSecretWithoutItsPrefixAsSvixDoes() {
        assertThat(new SvixSignature("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
                        .verify(vector(VECTOR_SIGNATURE), AT_VECTOR, TOLERANCE))
                .isEqualTo(VECTOR_ID);
    }

    @Test
    void acceptsWhenAnyOfSeveralV1SignaturesMatchesAndIgnoresOtherVersions() {
        String rotated =
                "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,!!notbase64 "
                        + VECTOR_SIGNATURE;

        assertThat(svix.verify(vector(rotated), AT_VECTOR, TOLERANCE)).isEqualTo(VECTOR_ID);
    }

    @Test
    void refusesTheVectorsSignatureUnderAnotherVersion() {
        assertThat(rejection(() ->
                        svix.verify(vector("v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), AT_VECTOR, TOLERANCE)))
                .contains("no v1 signature matches");
    }

    @Test
    void refusesABodyWithOneByteChanged() {
        byte[] changed = VECTOR_BODY.clone();
        changed[changed.length - 2] ^= 1;
        WebhookRequest tampered = request(
                changed,
                "svix-id",
                VECTOR_ID,
                "svix-timestamp",
                Long.toString(VECTOR_TIMESTAMP),
                "svix-signature",
                VECTOR_SIGNATURE);

        assertThat(rejection(() -> svix.verify(tampered, AT_VECTOR, TOLERANCE))).contains("no v1 signature matches");
    }

    @Test
    void refusesAChangedTimestampEvenWithinTheTolerance() {
        WebhookRequest moved = request(
                VECTOR_BODY,
                "svix-id",
                VECTOR_ID,
                "svix-timestamp",
                Long.toString(VECTOR_TIMESTAMP + 1),
                "svix-signature",
                VECTOR_SIGNATURE);

        assertThat(rejection(() -> svix.verify(moved, AT_VECTOR, TOLERANCE))).contains("no v1 signature matches");
    }

    @Test
    void refusesAChangedMessageId() {
        WebhookRequest renamed = request(
                VECTOR_BODY,
                "svix-id",
                "msg_other",
                "svix-timestamp",
                Long.toString(VECTOR_TIMESTAMP),
                "svix-signature",
                VECTOR_SIGNATURE);

        assertThat(rejection(() -> svix.verify(renamed, AT_VECTOR, TOLERANCE))).contains("no v1 signature matches");
    }

    @Test
    void refusesASignatureMadeWithAnotherKey() {
        SvixSignature other = new SvixSignature("whsec_"
                + java.util.Base64.getEncoder().encodeToString("another key".getBytes(StandardCharsets.UTF_8)));

        assertThat(rejection(() -> other.verify(vector(VECTOR_SIGNATURE), AT_VECTOR, TOLERANCE)))
                .contains("no v1 signature matches");
    }

    @Test
    void refusesACallWithoutTheSignatureHeaders() {
        assertThat(rejection(() -> svix.verify(request(VECTOR_BODY), AT_VECTOR, TOLERANCE)))
                .contains("missing");
        WebhookRequest noSignature =
                request(VECTOR_BODY, "svix-id", VECTOR_ID, "svix-timestamp", Long.toString(VECTOR_TIMESTAMP));
        assertThat(rejection(() -> svix.verify(noSignature, AT_VECTOR, TOLERANCE)))
                .contains("missing");
    }

    @Test
    void refusesAnUnreadableTimestamp() {
        WebhookRequest unreadable = request(
                VECTOR_BODY, "svix-id", VECTOR_ID, "svix-timestamp", "yesterday", "svix-signature", VECTOR_SIGNATURE);

        assertThat(rejection(() -> svix.verify(unreadable, AT_VECTOR, TOLERANCE)))
                .contains("unix seconds");
    }

    @Test
    void refusesAValidSignatureOlderOrNewerThanTheTolerance() {
        assertThat(rejection(() -> svix.verify(vector(VECTOR_SIGNATURE), AT_VECTOR.plusSeconds(301), TOLERANCE)))
                .contains("at most 300s");
        assertThat(rejection(() -> svix.verify(vector(VECTOR_SIGNATURE), AT_VECTOR.minusSeconds(301), TOLERANCE)))
                .contains("at most 300s");
        assertThat(svix.verify(vector(VECTOR_SIGNATURE), AT_VECTOR.plusSeconds(300), TOLERANCE))
                .isEqualTo(VECTOR_ID);
    }

    @Test
    void aSecretThatIsNotBase64IsRefusedAtStartupWithoutBeingRepeated() {
        assertThatThrownBy(() -> new SvixSignature("whsec_not base64 at all!"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("webhook-secret")
                .hasMessageNotContaining("not base64 at all");
    }

    @Test
    void refusesACorrectlySignedTimestampWhoseAgeOverflows() throws Exception {
        // now - t wraps to Long.MIN_VALUE, whose absolute value is negative: it once passed as fresh.
        long t = VECTOR_TIMESTAMP + Long.MIN_VALUE;
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(
                java.util.Base64.getDecoder().decode(VECTOR_SECRET.substring("whsec_".length())), "HmacSHA256"));
        mac.update((VECTOR_ID + "." + t + ".").getBytes(StandardCharsets.UTF_8));
        String signature = "v1," + java.util.Base64.getEncoder().encodeToString(mac.doFinal(VECTOR_BODY));
        WebhookRequest overflowing = request(
                VECTOR_BODY, "svix-id", VECTOR_ID, "svix-timestamp", Long.toString(t), "svix-signature", signature);

        assertThat(rejection(() -> svix.verify(overflowing, AT_VECTOR, TOLERANCE)))
                .contains("timestamp is");
        WebhookRequest max = request(
                VECTOR_BODY,
                "svix-id",
                VECTOR_ID,
                "svix-timestamp",
                Long.toString(Long.MAX_VALUE),
                "svix-signature",
                signature);
        assertThat(rejection(() -> svix.verify(max, AT_VECTOR, TOLERANCE))).contains("timestamp is");
    }
}
