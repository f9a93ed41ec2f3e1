package dev.mailroom.server.providers.sendgrid;

import dev.mailroom.server.providers.support.SignedTimestamps;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * SendGrid's Signed Event Webhook: an ECDSA P-256 / SHA-256 signature over the bytes of the
 * {@value #TIMESTAMP_HEADER} header followed by the raw body, sent base64 (DER) in
 * {@value #SIGNATURE_HEADER}. The public key is the "Verification Key" SendGrid shows: base64 of a
 * DER SubjectPublicKeyInfo. The timestamp is inside the signature, so an old call cannot be given
 * a fresh timestamp; calls older than the tolerance are refused.
 */
final class SendGridSignature {
    static final String SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature";
    static final String TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp";

    private final PublicKey key;

    private SendGridSignature(PublicKey key) {
        this.key = key;
    }

    /**
     * @param verificationKey base64 DER of a P-256 public key; PEM armour and line breaks are tolerated
     * @throws IllegalArgumentException when it is not such a key (a configuration mistake, told at startup)
     */
    static SendGridSignature fromVerificationKey(String verificationKey) {
        String base64 = verificationKey
                .replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "mailroom.providers.sendgrid.webhook-public-key is not a base64 DER EC public key"
                            + " (copy the Verification Key of SendGrid's Signed Event Webhook): " + e.getMessage(),
                    e);
        }
        if (!(key instanceof ECPublicKey ec)
                || ec.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException(
                    "mailroom.providers.sendgrid.webhook-public-key must be a P-256 (prime256v1) key");
        }
        return new SendGridSignature(key);
    }

    /**
     * @return null when the call is authentic and recent, else why not (for the 401 answer and the log)
     */
    String problemWith(String signatureHeader, String timestampHeader, byte[] body, Instant now, Duration tolerance) {
        if (signatureHeader == null || signatureHeader.isBlank()) {
            return "missing " + SIGNATURE_HEADER + " header";
        }
        if (timestampHeader == null || timestampHeader.isBlank()) {
            return "missing " + TIMESTAMP_HEADER + " header";
        }
        long t;
        try {
            t = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return TIMESTAMP_HEADER + " must be unix seconds";
        }
        long age = SignedTimestamps.age(t, now);
        if (!SignedTimestamps.isWithin(t, now, tolerance)) {
            return "timestamp is " + age + "s old; at most " + tolerance.toSeconds() + "s is accepted";
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(signatureHeader.trim());
        } catch (IllegalArgumentException e) {
            return SIGNATURE_HEADER + " is not base64";
        }
        return verifies(timestampHeader, body, signature) ? null : "signature does not match";
    }

    /** The signed bytes are the timestamp header exactly as sent, then the body exactly as sent. */
    private boolean verifies(String timestampHeader, byte[] body, byte[] signature) {
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initVerify(key);
            ecdsa.update(timestampHeader.getBytes(StandardCharsets.UTF_8));
            ecdsa.update(body);
            return ecdsa.verify(signature);
        } catch (SignatureException e) {
            // Not a DER-encoded ECDSA signature at all: as wrong as a wrong one.
            return false;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("SHA256withECDSA unavailable", e);
        }
    }
}
