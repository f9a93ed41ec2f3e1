package dev.mailroom.server.providers.postmark;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * Postmark does not sign its webhooks: no HMAC, no signature header, no timestamp. What proves a
 * call comes from Postmark is the HTTP Basic credentials configured on the webhook
 * ({@code HttpAuth}), checked here. Without a signed timestamp there is no staleness check
 * either; a replayed call is harmless because every event's id is deterministic and stored once.
 */
final class PostmarkBasicAuth {
    private PostmarkBasicAuth() {}

    /**
     * @param authorization the {@code Authorization} header, or null
     * @return null when the credentials are the configured ones, else why not (for the 401 answer)
     */
    static String problemWith(String authorization, String username, String password) {
        if (authorization == null || authorization.isBlank()) {
            return "missing Authorization header: configure HTTP Basic credentials on the Postmark webhook";
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("basic")) {
            return "the Authorization header must use the Basic scheme";
        }
        String decoded;
        try {
            decoded = new String(
                    Base64.getDecoder().decode(value.substring(space + 1).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "unreadable Basic credentials";
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return "Basic credentials must be user:password";
        }
        // Both parts are always compared (no short cut), and as digests, so that neither the
        // time taken nor the lengths reveal which part, or how much of it, was right.
        boolean userMatches = sameSecret(decoded.substring(0, colon), username);
        boolean passwordMatches = sameSecret(decoded.substring(colon + 1), password);
        return userMatches & passwordMatches ? null : "wrong webhook credentials";
    }

    private static boolean sameSecret(String given, String expected) {
        return MessageDigest.isEqual(sha256(given), sha256(expected));
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** The header value a webhook call carries, e.g. for tests and documentation. */
    static String header(String username, String password) {
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
