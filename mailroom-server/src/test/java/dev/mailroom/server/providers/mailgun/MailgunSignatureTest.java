package dev.mailroom.server.providers.mailgun;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Mailgun's scheme checked against the test vector published in Mailgun's official PHP SDK
 * (mailgun/mailgun-php, tests/Api/WebhookTest.php: testVerifyWebhookGood / testVerifyWebhookBad),
 * with the clock set to the vector's own time.
 */
class MailgunSignatureTest {
    private static final String KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
    private static final String TIMESTAMP = "1403645220";
    private static final String TOKEN = "5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6";
    private static final String SIGNATURE = "9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33";
    private static final Instant THEN = Instant.ofEpochSecond(1403645220L).plusSeconds(42);
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    @Test
    void thePublishedVectorVerifies() {
        assertThat(MailgunSignature.problemWith(TIMESTAMP, TOKEN, SIGNATURE, KEY, THEN, TOLERANCE))
                .isNull();
        assertThat(MailgunSignature.sign(KEY, TIMESTAMP, TOKEN)).isEqualTo(SIGNATURE);
    }

    @Test
    void thePublishedBadVectorAnotherTokenUnderTheSameSignatureIsRefused() {
        assertThat(MailgunSignature.problemWith(
                        TIMESTAMP,
                        "owyldpe6nxhmrn78epljl6bj0orrki1u3d2v5e6cnlmmuox8jr",
                        SIGNATURE,
                        KEY,
                        THEN,
                        TOLERANCE))
                .isEqualTo("signature does not match");
    }

    @Test
    void aChangedByteOfTheSignatureIsRefused() {
        String changed = SIGNATURE.substring(0, 63) + (SIGNATURE.charAt(63) == '3' ? '4' : '3');

        assertThat(MailgunSignature.problemWith(TIMESTAMP, TOKEN, changed, KEY, THEN, TOLERANCE))
                .isEqualTo("signature does not match");
    }

    @Test
    void aChangedTimestampIsRefused() {
        assertThat(MailgunSignature.problemWith("1403645221", TOKEN, SIGNATURE, KEY, THEN, TOLERANCE))
                .isEqualTo("signature does not match");
    }

    @Test
    void aWrongKeyIsRefused() {
        assertThat(MailgunSignature.problemWith(TIMESTAMP, TOKEN, SIGNATURE, "key-someone-else", THEN, TOLERANCE))
                .isEqualTo("signature does not match");
    }

    @Test
    void missingOrUnreadableFieldsAreRefused() {
        assertThat(MailgunSignature.problemWith(null, TOKEN, SIGNATURE, KEY, THEN, TOLERANCE))
                .startsWith("missing signature");
        assertThat(MailgunSignature.problemWith(TIMESTAMP, "", SIGNATURE, KEY, THEN, TOLERANCE))
                .startsWith("missing signature");
        assertThat(MailgunSignature.problemWith(TIMESTAMP, TOKEN, null, KEY, THEN, TOLERANCE))
                .startsWith("missing signature");
        assertThat(MailgunSignature.problemWith(TIMESTAMP, TOKEN, "not-hex", KEY, THEN, TOLERANCE))
                .startsWith("unreadable");
        assertThat(MailgunSignature.problemWith("yesterday", TOKEN, SIGNATURE, KEY, THEN, TOLERANCE))
                .startsWith("unreadable");
    }

    @Test
    void theVectorIsStaleToday() {
        assertThat(MailgunSignature.problemWith(
                        TIMESTAMP, TOKEN, SIGNATURE, KEY, Instant.parse("2026-11-28T12:00:00Z"), TOLERANCE))
                .contains("old")
                .contains("at most 300s");
    }

    @Test
    void aTimestampTooFarInTheFutureIsRefusedToo() {
        Instant before = Instant.ofEpochSecond(1403645220L).minus(TOLERANCE).minusSeconds(1);

        assertThat(MailgunSignature.problemWith(TIMESTAMP, TOKEN, SIGNATURE, KEY, before, TOLERANCE))
                .contains("-");
        assertThat(MailgunSignature.problemWith(TIMESTAMP, TOKEN, SIGNATURE, KEY, before.plusSeconds(1), TOLERANCE))
                .isNull();
    }

    @Test
    void aCorrectlySignedTimestampWhoseAgeOverflowsIsRefused() {
        // now - t wraps to Long.MIN_VALUE, whose absolute value is negative: it once passed as fresh.
        String overflowing = Long.toString(THEN.getEpochSecond() + Long.MIN_VALUE);
        String signature = MailgunSignature.sign(KEY, overflowing, TOKEN);

        assertThat(MailgunSignature.problemWith(overflowing, TOKEN, signature, KEY, THEN, TOLERANCE))
                .contains("old");
        String max = Long.toString(Long.MAX_VALUE);
        assertThat(MailgunSignature.problemWith(
                        max, TOKEN, MailgunSignature.sign(KEY, max, TOKEN), KEY, THEN, TOLERANCE))
                .contains("old");
    }
}
