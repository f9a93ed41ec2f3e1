package dev.mailroom.server.notifier;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/): {@code v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">}, keyed with the base64-decoded part of a {@code whsec_} secret; one per
 * secret, space-separated, so that during a rotation's grace a receiver holding either secret verifies.
 */
final class WebhookSigner {
    static final String SECRET_PREFIX = "whsec_";

    private WebhookSigner() {}

    /** The {@code webhook-signature} header for these secrets (each {@code whsec_...}). */
    static String signature(List<String> secrets, String webhookId, long timestamp, byte[] body) {
        return secrets.stream()
                .map(secret -> sign(secret, webhookId, timestamp, body))
                .collect(Collectors.joining(" "));
    }

    static String sign(String secret, String webhookId, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            mac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] key(String secret) {
        String encoded = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        return Base64.getDecoder().decode(encoded);
    }
}
