package dev.mailroom.server;

import dev.mailroom.contracts.Address;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The capability in a one-click unsubscribe link (RFC 8058): who may stop receiving what, until when, signed by
 * Mailroom. The operator issues it into a bulk email's {@code List-Unsubscribe}; the API's
 * {@code POST /unsubscribe/{token}} verifies it. Both use this one class, so the two sides cannot drift apart.
 *
 * <p>A token is {@code base64url(payload) "." base64url(HMAC-SHA256(key, payload))} with the payload
 * {@code v1.<organization>.<message id>.<normalized recipient>.<expiry, epoch seconds>}. The key is derived from the
 * installation's internal key ({@link #keyFrom}), which the API and operator processes both read: a separate key,
 * so that the mailbox signing key never signs anything an outsider gets to see.
 */
public final class UnsubscribeToken {
    /** Longer than any token Mailroom issues (about 560 characters for a 254-character address); refused unread. */
    public static final int MAX_LENGTH = 1024;

    private static final String VERSION = "v1";
    private static final String HMAC = "HmacSHA256";
    private static final byte[] DERIVATION = "mailroom-unsubscribe-v1".getBytes(StandardCharsets.UTF_8);
    /** Organization ids have no dots; a message id is a UUID; the address is what is left before the expiry. */
    private static final Pattern PAYLOAD = Pattern.compile(
            "^v1\\.([^.\\s]{1,128})\\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.([^\\s]{3,320})\\.([0-9]{1,12})$");

    private static final Pattern BASE64URL = Pattern.compile("^[A-Za-z0-9_-]+$");

    private UnsubscribeToken() {}

    /** What a token says: this recipient of this message (of this organization) unsubscribes, until {@code expiresAt}. */
    public record Claims(String organizationId, UUID messageId, String recipient, Instant expiresAt) {}

    /** The outcome of {@link #verify}: valid claims, or why not. */
    public sealed interface Verdict {}

    /** A genuine token, not expired. */
    public record Valid(Claims claims) implements Verdict {}

    /** Not a token at all (length, alphabet, form): the link was mangled. */
    public record Malformed(String reason) implements Verdict {}

    /** Well-formed, but Mailroom did not sign it (forged or altered), or it has expired. */
    public record Refused(String reason) implements Verdict {}

    /** The unsubscribe key: HMAC-SHA256(internal signing key, "mailroom-unsubscribe-v1"). */
    public static byte[] keyFrom(byte[] internalSigningKey) {
        return mac(internalSigningKey, DERIVATION);
    }

    /**
     * @throws IllegalArgumentException when the claims cannot be put in a token (an organization id with a dot,
     *     an address with spaces): such an email gets no link
     */
    public static String issue(byte[] key, Claims claims) {
        String payload = VERSION + "." + claims.organizationId() + "." + claims.messageId() + "."
                + Address.normalize(claims.recipient()) + "."
                + claims.expiresAt().getEpochSecond();
        if (!PAYLOAD.matcher(payload).matches()) {
            throw new IllegalArgumentException(
                    "no unsubscribe token can name organization '" + claims.organizationId() + "' and this recipient");
        }
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(bytes) + "." + b64.encodeToString(mac(key, bytes));
    }

    /** Checks the signature (in constant time) before it reads anything the token claims, then the expiry. */
    public static Verdict verify(byte[] key, String token, Instant now) {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            return new Malformed("an unsubscribe token is 1-" + MAX_LENGTH + " characters");
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.') || dot == token.length() - 1) {
            return new Malformed("an unsubscribe token is two base64url parts joined by a dot");
        }
        String payloadPart = token.substring(0, dot);
        String macPart = token.substring(dot + 1);
        if (!BASE64URL.matcher(payloadPart).matches()
                || !BASE64URL.matcher(macPart).matches()) {
            return new Malformed("an unsubscribe token is two base64url parts joined by a dot");
        }
        byte[] payload;
        byte[] given;
        try {
            payload = Base64.getUrlDecoder().decode(payloadPart);
            given = Base64.getUrlDecoder().decode(macPart);
        } catch (IllegalArgumentException e) {
            return new Malformed("an unsubscribe token is two base64url parts joined by a dot");
        }
        // Base64's last character can carry unused bits: only the one spelling Mailroom writes is a token, so that
        // no two strings stand for one token.
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        if (!b64.encodeToString(payload).equals(payloadPart)
                || !b64.encodeToString(given).equals(macPart)) {
            return new Malformed("an unsubscribe token is two base64url parts joined by a dot");
        }
        if (!MessageDigest.isEqual(mac(key, payload), given)) {
            return new Refused("this unsubscribe link is not one Mailroom made (altered or forged)");
        }
        Matcher m = PAYLOAD.matcher(new String(payload, StandardCharsets.UTF_8));
        if (!m.matches()) {
            // Signed by us but not in a form we read: a later version's token, say.
            return new Malformed("an unsubscribe token of an unknown version");
        }
        Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(m.group(4)));
        if (!now.isBefore(expiresAt)) {
            return new Refused("this unsubscribe link expired at " + expiresAt);
        }
        return new Valid(new Claims(m.group(1), UUID.fromString(m.group(2)), m.group(3), expiresAt));
    }

    private static byte[] mac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
