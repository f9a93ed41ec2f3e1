package dev.mailroom.contracts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a message on {@value QueueNames#MAILBOX} proves the organization it is for: it is signed with
 * an API key, and the operator, which knows every key by its hash, checks the signature and takes the
 * organization from the key. It works the same on every AMQP 0-9-1 broker (nothing of RabbitMQ's own
 * user model is needed), and the key itself never travels.
 *
 * <ul>
 *   <li>{@value #KEY_ID_HEADER}: the key's public id, {@link #keyId} = hex SHA-256 of
 *       {@code "mailroom-key-id:" + key}: the operator finds the key by it (the key's visible prefix
 *       is of no use: a configured key's row does not have its own).
 *   <li>{@value #SIGNATURE_HEADER}: {@code v1=} and the base64 of HMAC-SHA256 over
 *       {@code message_id + "\n" + type + "\n" + body bytes} (UTF-8), keyed with the 32 bytes of
 *       SHA-256(key) ({@link #signingKey}), which is what Mailroom stores of a key
 *       ({@code api_keys.secret_hash}).
 * </ul>
 *
 * The AMQP {@code message_id} and {@code type} are signed with the body, so a signed submission
 * cannot be replayed as another id or another type. Replaying the very same message is harmless:
 * its message id makes it one message.
 */
public final class MailboxProof {
    /** The AMQP header naming the signing key by its public id. */
    public static final String KEY_ID_HEADER = "x-mailroom-key-id";
    /** The AMQP header carrying {@code v1=<base64 HMAC-SHA256>}. */
    public static final String SIGNATURE_HEADER = "x-mailroom-signature";
    /** The scheme version prefix of a signature. */
    public static final String V1 = "v1=";

    private static final String KEY_ID_CONTEXT = "mailroom-key-id:";
    private static final String HMAC = "HmacSHA256";

    private MailboxProof() {}

    /** The public id of an API key: hex SHA-256 of {@code "mailroom-key-id:" + key}. */
    public static String keyId(String apiKey) {
        Objects.requireNonNull(apiKey, "apiKey");
        return HexFormat.of().formatHex(sha256((KEY_ID_CONTEXT + apiKey).getBytes(StandardCharsets.UTF_8)));
    }

    /** The signing key of an API key: the 32 bytes of SHA-256(key). */
    public static byte[] signingKey(String apiKey) {
        Objects.requireNonNull(apiKey, "apiKey");
        return sha256(apiKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The signing key from the hex SHA-256 of a key, as Mailroom stores it. */
    public static byte[] signingKeyFromHash(String hexSha256) {
        return HexFormat.of().parseHex(hexSha256);
    }

    /** {@code v1=<base64 HMAC-SHA256(signingKey, messageId \n type \n body)>}. */
    public static String signature(byte[] signingKey, String messageId, String type, byte[] body) {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(body, "body");
        return V1 + Base64.getEncoder().encodeToString(mac(signingKey, messageId, type, body));
    }

    /** The two headers that prove a message signed with {@code apiKey}. */
    public static Map<String, String> headers(String apiKey, String messageId, String type, byte[] body) {
        return headers(keyId(apiKey), signingKey(apiKey), messageId, type, body);
    }

    /** The two headers, for a signer that keeps the key's public id and signing key rather than the key. */
    public static Map<String, String> headers(
            String keyId, byte[] signingKey, String messageId, String type, byte[] body) {
        return Map.of(KEY_ID_HEADER, keyId, SIGNATURE_HEADER, signature(signingKey, messageId, type, body));
    }

    /**
     * Whether {@code signatureHeader} is a valid v1 signature of the message with this key. Compared
     * in constant time; anything malformed (another version, not base64, wrong length) is false.
     */
    public static boolean verify(
            byte[] signingKey, String messageId, String type, byte[] body, String signatureHeader) {
        if (signatureHeader == null
                || !signatureHeader.startsWith(V1)
                || messageId == null
                || type == null
                || body == null) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder()
                    .decode(signatureHeader.substring(V1.length()).strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(mac(signingKey, messageId, type, body), given);
    }

    private static byte[] mac(byte[] signingKey, String messageId, String type, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(signingKey, HMAC));
            mac.update(messageId.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '\n');
            mac.update(type.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) '\n');
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has HmacSHA256", e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
