package dev.mailroom.server.notifier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's check of a Standard Webhooks signature, written from the specification alone (not with the code under
 * test): HMAC-SHA256 over {@code id.timestamp.body} keyed with the base64-decoded secret after {@code whsec_}; the
 * header holds space-separated {@code v1,<base64>} signatures, any of which may match.
 */
final class StandardWebhooksVerifier {
    private StandardWebhooksVerifier() {}

    static boolean verifies(String secret, String id, String timestamp, byte[] body, String signatureHeader) {
        if (signatureHeader == null) {
            return false;
        }
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] content = (id + "." + timestamp + "." + new String(body, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
            byte[] expected = mac.doFinal(content);
            for (String part : signatureHeader.split(" ")) {
                String[] versioned = part.split(",", 2);
                if (versioned.length == 2
                        && versioned[0].equals("v1")
                        && MessageDigest.isEqual(expected, Base64.getDecoder().decode(versioned[1]))) {
                    return true;
                }
            }
            return false;
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
