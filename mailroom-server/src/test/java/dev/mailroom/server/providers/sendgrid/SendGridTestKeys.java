package dev.mailroom.server.providers.sendgrid;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A P-256 key pair made for the tests, standing in for SendGrid's signing key. The public half is
 * {@code mailroom.providers.sendgrid.webhook-public-key} in {@code EndToEndTest}; the private half
 * signs here, independently of the production code (which only verifies).
 */
public final class SendGridTestKeys {
    /** Base64 DER SubjectPublicKeyInfo, as SendGrid shows its Verification Key. */
    public static final String PUBLIC_KEY =
            "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEzPf+9Y5SRsKoSZajnEKjdIuJTHONvRutFrVSQwUszYNS55kqRsRr1PkXYstyqZ1hhEXBQJTTdzrK8GpYwIDf4Q==";
    /** Base64 DER PKCS#8 of the matching private key. Test data only. */
    static final String PRIVATE_KEY =
            "MEECAQAwEwYHKoZIzj0CAQYIKoZIzj0DAQcEJzAlAgEBBCBvJ6yYCgx0mflOBj3+J8ArvhqNIoJLPq7+np423uteNw==";

    private SendGridTestKeys() {}

    /** The {@code X-Twilio-Email-Event-Webhook-Signature} SendGrid would send: ECDSA over timestamp + body, DER, base64. */
    static String sign(String privateKeyBase64, String timestamp, byte[] body) {
        try {
            PrivateKey key = KeyFactory.getInstance("EC")
                    .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(privateKeyBase64)));
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(key);
            ecdsa.update(timestamp.getBytes(StandardCharsets.UTF_8));
            ecdsa.update(body);
            return Base64.getEncoder().encodeToString(ecdsa.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sign(String timestamp, byte[] body) {
        return sign(PRIVATE_KEY, timestamp, body);
    }
}
