package dev.mailroom.server.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The reason tag of {@code mailroom_webhooks_verification_failures_total}, read from the receivers' own words (the
 * phrases below are theirs, as the providers' receivers word their 401s).
 */
class VerificationFailureReasonsTest {
    @Test
    void aSignatureThatDoesNotMatchIsASignatureFailure() {
        assertThat(VerificationFailures.reasonOf(401, "signature does not match"))
                .isEqualTo("signature");
        assertThat(VerificationFailures.reasonOf(401, "no v1 signature matches"))
                .isEqualTo("signature");
        assertThat(VerificationFailures.reasonOf(401, "SNS signature does not match the message"))
                .isEqualTo("signature");
        assertThat(VerificationFailures.reasonOf(
                        401, "unreadable signature: timestamp must be unix seconds and signature hex"))
                .isEqualTo("signature");
    }

    @Test
    void aStaleOrUnreadableTimestampIsATimestampFailure() {
        assertThat(VerificationFailures.reasonOf(401, "timestamp is 3600s old; at most 300s is accepted"))
                .isEqualTo("timestamp");
        assertThat(VerificationFailures.reasonOf(401, "X-Twilio-Email-Event-Webhook-Timestamp must be unix seconds"))
                .isEqualTo("timestamp");
        assertThat(VerificationFailures.reasonOf(401, "SNS message of 2026-01-01T00:00:00Z is dated in the future"))
                .isEqualTo("timestamp");
    }

    @Test
    void missingPartsReplaysCredentialsCertificatesTopicsAndSettingsEachHaveTheirReason() {
        assertThat(VerificationFailures.reasonOf(401, "missing X-Mailroom-Signature header"))
                .isEqualTo("missing");
        assertThat(VerificationFailures.reasonOf(401, "missing svix-id, svix-timestamp or svix-signature header"))
                .isEqualTo("missing");
        assertThat(VerificationFailures.reasonOf(
                        401, "replayed: this signature's token was already used with another body"))
                .isEqualTo("replay");
        assertThat(VerificationFailures.reasonOf(401, "wrong webhook credentials"))
                .isEqualTo("credentials");
        assertThat(VerificationFailures.reasonOf(401, "the certificate at SigningCertURL is not issued to SNS: CN=x"))
                .isEqualTo("certificate");
        assertThat(VerificationFailures.reasonOf(
                        401, "SNS topic arn:aws:sns:x is not in mailroom.providers.ses.topic-arns"))
                .isEqualTo("topic");
        assertThat(VerificationFailures.reasonOf(
                        401, "mailroom.providers.sendgrid.webhook-public-key is blank: enable SendGrid's Signed Event"))
                .isEqualTo("unconfigured");
    }

    @Test
    void theStatusDecidesForMalformedAndForbiddenCalls() {
        assertThat(VerificationFailures.reasonOf(400, "body is not JSON: signature"))
                .isEqualTo("malformed");
        assertThat(VerificationFailures.reasonOf(403, "/webhooks/ses takes no SNS message until ..."))
                .isEqualTo("forbidden");
        assertThat(VerificationFailures.reasonOf(401, "something new")).isEqualTo("other");
    }
}
