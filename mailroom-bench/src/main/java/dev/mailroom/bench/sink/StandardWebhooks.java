package dev.mailroom.bench.sink;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's check of a Standard Webhooks request (https://www.standardwebhooks.com/, "Verifying webhooks"),
 * written from the spec rather than taken from the server, so that the bench checks Mailroom's signatures
 * independently: HMAC-SHA256 over {@code "<webhook-id>.<webhook-timestamp>.<body>"}, keyed with the base64-decoded
 * part of the {@code whsec_} secret; the {@code webhook-signature} header holds one or more space-separated
 * {@code v1,<base64>} signatures, any of which may match; the timestamp must lie within a tolerance of now.
 */
public final class StandardWebhooks {
    /** The spec's (and its libraries') default tolerance on {@code webhook-timestamp}. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** What a check found. */
    public enum Verdict {
        VALID,
        MISSING_HEADERS,
        STALE_TIMESTAMP,
        BAD_SIGNATURE
    }

    private final byte[] key;

    /** @param secret {@code whsec_<base64>} (the prefix is optional, as in the spec's libraries) */
    public StandardWebhooks(String secret) {
        String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        this.key = Base64.getDecoder().decode(encoded);
    }

    /** The {@code v1,<base64>} signature of this request. */
    public String sign(String webhookId, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((webhookId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Checks the three headers and the body at {@code now}. */
    public Verdict verify(String webhookId, String timestamp, String signatures, byte[] body, Instant now) {
        if (webhookId == null || timestamp == null || signatures == null) {
            return Verdict.MISSING_HEADERS;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return Verdict.MISSING_HEADERS;
        }
        if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            return Verdict.STALE_TIMESTAMP;
        }
        byte[] expected = sign(webhookId, seconds, body).getBytes(StandardCharsets.US_ASCII);
        for (String candidate : signatures.trim().split(" +")) {
            // Versions other than v1 are skipped, as the spec says; constant-time comparison.
            if (candidate.startsWith("v1,")
                    && MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII))) {
                return Verdict.VALID;
            }
        }
        return Verdict.BAD_SIGNATURE;
    }
}
