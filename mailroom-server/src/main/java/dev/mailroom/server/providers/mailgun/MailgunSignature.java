package dev.mailroom.server.providers.mailgun;

import dev.mailroom.server.providers.support.SignedTimestamps;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Mailgun's webhook signature ("Securing webhooks"): the body's {@code signature} object holds
 * {@code timestamp} (unix seconds), {@code token} (50 random characters) and {@code signature},
 * the lower-case hex HMAC-SHA256 of {@code timestamp + token} keyed with the account's HTTP
 * webhook signing key. Only those two fields are signed, not the event: {@link MailgunReplayGuard}
 * keeps a signature from being reused with another event.
 */
final class MailgunSignature {
    private MailgunSignature() {}

    static String sign(String signingKey, String timestamp, String token) {
        return HexFormat.of().formatHex(mac(signingKey, timestamp, token));
    }

    /**
     * @return null when the signature is Mailgun's and fresh, else why not (for the 401 answer)
     */
    static String problemWith(
            String timestamp, String token, String signature, String signingKey, Instant now, Duration tolerance) {
        if (isBlank(timestamp) || isBlank(token) || isBlank(signature)) {
            return "missing signature: the body must carry signature.timestamp, signature.token and signature.signature";
        }
        long seconds;
        byte[] given;
        try {
            seconds = Long.parseLong(timestamp);
            given = HexFormat.of().parseHex(signature.strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return "unreadable signature: timestamp must be unix seconds and signature hex";
        }
        // Constant-time comparison: the time taken must not reveal how much of a guess was right.
        if (!MessageDigest.isEqual(mac(signingKey, timestamp, token), given)) {
            return "signature does not match";
        }
        long age = SignedTimestamps.age(seconds, now);
        if (!SignedTimestamps.isWithin(seconds, now, tolerance)) {
            return "timestamp is " + age + "s old; at most " + tolerance.toSeconds() + "s is accepted";
        }
        return null;
    }

    private static byte[] mac(String signingKey, String timestamp, String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal((timestamp + token).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
