package dev.mailroom.server.providers.sandbox;

import dev.mailroom.server.providers.support.SignedTimestamps;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sandbox's webhook signature, built like the real providers' schemes:
 * {@code X-Mailroom-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">}.
 * The timestamp is inside the MAC, so it cannot be refreshed to replay an old call.
 */
final class SandboxSignature {
    static final String HEADER = "X-Mailroom-Signature";

    private SandboxSignature() {}

    static String sign(String secret, Instant at, byte[] body) {
        long t = at.getEpochSecond();
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac(secret, t, body));
    }

    /**
     * @return null when valid, else why not (for the 401 answer and the log)
     */
    static String problemWith(String header, String secret, byte[] body, Instant now, Duration tolerance) {
        if (header == null || header.isBlank()) {
            return "missing " + HEADER + " header";
        }
        Long t = null;
        byte[] given = null;
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                continue;
            }
            try {
                if (kv[0].equals("t")) {
                    t = Long.parseLong(kv[1]);
                } else if (kv[0].equals("v1")) {
                    given = HexFormat.of().parseHex(kv[1]);
                }
            } catch (IllegalArgumentException e) {
                return "unreadable " + HEADER + " header";
            }
        }
        if (t == null || given == null) {
            return HEADER + " must be t=<unix seconds>,v1=<hex hmac>";
        }
        long age = SignedTimestamps.age(t, now);
        if (!SignedTimestamps.isWithin(t, now, tolerance)) {
            return "timestamp is " + age + "s old; at most " + tolerance.toSeconds() + "s is accepted";
        }
        // Constant-time comparison: the time taken must not reveal how much of a guess was right.
        return MessageDigest.isEqual(mac(secret, t, body), given) ? null : "signature does not match";
    }

    private static byte[] mac(String secret, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
