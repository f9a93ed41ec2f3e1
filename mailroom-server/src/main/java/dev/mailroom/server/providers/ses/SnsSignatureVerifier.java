package dev.mailroom.server.providers.ses;

import dev.mailroom.server.providers.WebhookRejectedException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * Verifies an SNS message as AWS specifies ("Verifying the signatures of Amazon SNS messages"):
 * RSA PKCS#1 v1.5 over the canonical string, SHA-1 for {@code SignatureVersion} 1 and SHA-256
 * for 2, with the certificate at {@code SigningCertURL} (see {@link SnsCertificates} for which
 * URLs are trusted).
 *
 * <p>Time: the certificate must be valid at the message's own {@code Timestamp} (so that a
 * message signed shortly before a certificate rotation still verifies, and published test
 * vectors can be checked with a fixed clock). SNS defines no freshness window, but it gives up
 * redelivering a message at most an hour after publishing it (its delivery policies cap the
 * total retry time at 3,600 s). So a message is refused when its Timestamp is more than one hour
 * plus {@code mailroom.webhooks.tolerance} (clock skew) in the past, or more than the tolerance in
 * the future. Within that hour a replay is harmless: activity ids derive from the SNS MessageId,
 * so the same message stores nothing twice.
 */
final class SnsSignatureVerifier {
    /** The longest SNS keeps redelivering a message (delivery policy limit). */
    static final Duration SNS_MAX_REDELIVERY = Duration.ofHours(1);

    private final SnsCertificates certificates;
    private final Duration tolerance;

    SnsSignatureVerifier(SnsCertificates certificates, Duration tolerance) {
        this.certificates = certificates;
        this.tolerance = tolerance;
    }

    /** @throws WebhookRejectedException 401 unless SNS signed exactly this message, recently */
    void verify(SnsMessage message, Instant now) {
        String algorithm = algorithm(message.signatureVersion());
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(message.signature());
        } catch (IllegalArgumentException e) {
            throw WebhookRejectedException.unauthenticated("SNS Signature is not base64");
        }
        Instant sentAt;
        try {
            sentAt = message.sentAt();
        } catch (WebhookRejectedException e) {
            throw WebhookRejectedException.unauthenticated("SNS Timestamp is unreadable: " + message.timestamp());
        }
        if (sentAt.isBefore(now.minus(SNS_MAX_REDELIVERY).minus(tolerance))) {
            throw WebhookRejectedException.unauthenticated("SNS message of " + sentAt
                    + " is too old: SNS redelivers for at most " + SNS_MAX_REDELIVERY.toMinutes() + " minutes (plus "
                    + tolerance.toSeconds() + "s clock tolerance)");
        }
        if (sentAt.isAfter(now.plus(tolerance))) {
            throw WebhookRejectedException.unauthenticated("SNS message of " + sentAt + " is dated in the future");
        }
        X509Certificate certificate = certificates.forUrl(message.signingCertUrl());
        try {
            certificate.checkValidity(Date.from(sentAt));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw WebhookRejectedException.unauthenticated(
                    "the SNS certificate was not valid at the message's time " + sentAt);
        }
        boolean valid;
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(message.stringToSign());
            valid = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A malformed signature (wrong length for the key) is just as unauthenticated.
            valid = false;
        }
        if (!valid) {
            throw WebhookRejectedException.unauthenticated("SNS signature does not match the message");
        }
    }

    private static String algorithm(String signatureVersion) {
        if ("1".equals(signatureVersion)) {
            return "SHA1withRSA";
        }
        if ("2".equals(signatureVersion)) {
            return "SHA256withRSA";
        }
        throw WebhookRejectedException.unauthenticated(
                "unsupported SNS SignatureVersion " + signatureVersion + " (1 or 2)");
    }
}
