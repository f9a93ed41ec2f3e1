package dev.mailroom.server.providers.resend;

import dev.mailroom.server.providers.WebhookRejectedException;
import dev.mailroom.server.providers.WebhookRequest;
import dev.mailroom.server.providers.support.SignedTimestamps;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Resend's webhook signatures, made by Svix after the Standard Webhooks spec (v1, symmetric):
 * {@code <sig> = base64(HMAC-SHA256(key, "<id>.<timestamp>.<raw body>"))}, where the key is the
 * base64 after {@code whsec_} in the endpoint's secret. The signature header holds one or more
 * space-separated {@code <version>,<sig>} entries (several while a secret is being rotated); one
 * matching {@code v1} entry is enough, other versions ({@code v1a} is ed25519) are ignored.
 * The timestamp and id are inside the MAC, so neither can be refreshed to replay an old call.
 */
final class SvixSignature {
    static final String SECRET_PREFIX = "whsec_";
    private static final String[] SVIX_HEADERS = {"svix-id", "svix-timestamp", "svix-signature"};
    /** Svix's unbranded names, used by the Standard Webhooks libraries. */
    private static final String[] STANDARD_HEADERS = {"webhook-id", "webhook-timestamp", "webhook-signature"};

    private final byte[] key;

    /**
     * @throws IllegalArgumentException when the secret is not {@code whsec_<base64>} (the message
     *                                  never contains the secret)
     */
    SvixSignature(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("mailroom.providers.resend.webhook-secret is empty");
        }
        String encoded = secret.trim();
        // Svix's own libraries accept the secret with or without its prefix.
        if (encoded.startsWith(SECRET_PREFIX)) {
            encoded = encoded.substring(SECRET_PREFIX.length());
        }
        try {
            this.key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "mailroom.providers.resend.webhook-secret must be the endpoint's signing secret,"
                            + " whsec_ followed by base64, as Resend shows it");
        }
        if (key.length == 0) {
            throw new IllegalArgumentException("mailroom.providers.resend.webhook-secret has no key after whsec_");
        }
    }

    /** The {@code v1,<base64>} entry Svix would send for this call (tests, and the spec's vector). */
    String sign(String id, long timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(mac(id, timestamp, body));
    }

    /**
     * Checks the call's signature headers against its raw body.
     *
     * @return the Svix message id (the same on every retry of one event: our dedupe key)
     * @throws WebhookRejectedException 401 when headers are missing, the timestamp is outside the
     *                                  tolerance, or no v1 signature matches
     */
    String verify(WebhookRequest request, Instant now, Duration tolerance) {
        String[] names = present(request, SVIX_HEADERS) ? SVIX_HEADERS : STANDARD_HEADERS;
        String id = request.header(names[0]);
        String timestampHeader = request.header(names[1]);
        String signatures = request.header(names[2]);
        if (isBlank(id) || isBlank(timestampHeader) || isBlank(signatures)) {
            throw WebhookRejectedException.unauthenticated("missing svix-id, svix-timestamp or svix-signature header");
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            throw WebhookRejectedException.unauthenticated(names[1] + " must be unix seconds");
        }
        long age = SignedTimestamps.age(timestamp, now);
        if (!SignedTimestamps.isWithin(timestamp, now, tolerance)) {
            throw WebhookRejectedException.unauthenticated(
                    "timestamp is " + age + "s from now; at most " + tolerance.toSeconds() + "s is accepted");
        }
        byte[] expected = mac(id, timestamp, request.body());
        boolean matched = false;
        for (String entry : signatures.trim().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma < 0 || !entry.substring(0, comma).equals("v1")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(entry.substring(comma + 1));
            } catch (IllegalArgumentException notBase64) {
                continue;
            }
            // Constant time, and every entry is compared: the time taken must not reveal which
            // entry, or how much of a guess, was right.
            matched |= MessageDigest.isEqual(expected, given);
        }
        if (!matched) {
            throw WebhookRejectedException.unauthenticated("no v1 signature matches");
        }
        return id;
    }

    private byte[] mac(String id, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            // The raw bytes as received: re-serialising the JSON would change what was signed.
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static boolean present(WebhookRequest request, String[] names) {
        for (String name : names) {
            if (request.header(name) != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
