package dev.mailroom.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks that a webhook came from Mailroom, as the Standard Webhooks specification says
 * (https://www.standardwebhooks.com): the {@code webhook-signature} header holds space-separated {@code v1,<base64>}
 * signatures, each an HMAC-SHA256 over {@code <webhook-id>.<webhook-timestamp>.<body>} keyed with the
 * base64-decoded part of a {@code whsec_} secret. Any matching signature of any configured secret is enough, so
 * during a secret rotation both the old and the new secret verify. The timestamp must be within the tolerance
 * (default 5 minutes, both ways), so a captured webhook cannot be replayed later. Signatures are compared in
 * constant time. Thread-safe.
 *
 * <pre>{@code
 * WebhookVerifier verifier = WebhookVerifier.of(List.of(secret)); // the endpoint's whsec_… secret
 * String eventId = verifier.verify(name -> request.getHeader(name), bodyBytes); // throws when forged
 * }</pre>
 *
 * <p>Verify the body's bytes exactly as they arrived: parsing and writing it again changes the signature. Use the
 * returned {@code webhook-id} to drop a redelivered event you already handled.
 */
public final class WebhookVerifier {
    static final String SECRET_PREFIX = "whsec_";
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private final List<byte[]> keys;
    private final Duration tolerance;
    private final Clock clock;

    /**
     * @param secrets   the endpoint's secrets ({@code whsec_…}, or the base64 part alone); give the previous one
     *                  too while a rotation's grace lasts
     * @param tolerance how far the timestamp may be from now, either way
     * @throws IllegalArgumentException when there is no secret or one is not base64, naming which (not its value)
     */
    public WebhookVerifier(Collection<String> secrets, Duration tolerance, Clock clock) {
        if (secrets == null || secrets.isEmpty()) {
            throw new IllegalArgumentException("secrets: at least one whsec_ secret is needed");
        }
        if (tolerance == null || tolerance.isNegative()) {
            throw new IllegalArgumentException("tolerance must be zero or positive (got " + tolerance + ")");
        }
        List<byte[]> decoded = new ArrayList<>();
        int i = 0;
        for (String secret : secrets) {
            decoded.add(key(secret, i++));
        }
        this.keys = List.copyOf(decoded);
        this.tolerance = tolerance;
        this.clock = clock == null ? Clock.systemUTC() : clock;
    }

    /** A verifier of these secrets with the default tolerance (5 minutes) and the system clock. */
    public static WebhookVerifier of(Collection<String> secrets) {
        return new WebhookVerifier(secrets, DEFAULT_TOLERANCE, Clock.systemUTC());
    }

    private static byte[] key(String secret, int index) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("secrets[" + index + "]: must not be empty");
        }
        String base64 = secret.strip();
        if (base64.startsWith(SECRET_PREFIX)) {
            base64 = base64.substring(SECRET_PREFIX.length());
        }
        try {
            byte[] key = Base64.getDecoder().decode(base64);
            if (key.length == 0) {
                throw new IllegalArgumentException("empty");
            }
            return key;
        } catch (IllegalArgumentException e) {
            // Neither the secret nor the decoder's message (which quotes a character of it) is echoed: it may
            // land in a log.
            throw new IllegalArgumentException(
                    "secrets[" + index + "]: must be whsec_ followed by base64, as Mailroom shows it");
        }
    }

    /**
     * Verifies a webhook by its headers, looked up by name ({@code webhook-id}, {@code webhook-timestamp},
     * {@code webhook-signature}; pass a case-insensitive lookup such as a servlet request's {@code getHeader}).
     *
     * @return the {@code webhook-id}, the event's id (the same on every redelivery)
     */
    public String verify(Function<String, String> header, byte[] body) throws WebhookVerificationException {
        return verify(
                header.apply("webhook-id"), header.apply("webhook-timestamp"), header.apply("webhook-signature"), body);
    }

    /** Verifies a webhook by a map of its headers (names in any case, as HTTP frameworks give them). */
    public String verify(Map<String, ? extends Collection<String>> headers, byte[] body)
            throws WebhookVerificationException {
        return verify(
                name -> headers.entrySet().stream()
                        .filter(e -> e.getKey() != null
                                && e.getKey().toLowerCase(Locale.ROOT).equals(name))
                        .flatMap(e -> e.getValue().stream())
                        .findFirst()
                        .orElse(null),
                body);
    }

    /**
     * Verifies a webhook by the values of its three headers.
     *
     * @return {@code id}, once verified
     * @throws WebhookVerificationException when a header is missing, the timestamp is outside the tolerance or no
     *     signature matches
     */
    public String verify(String id, String timestamp, String signatureHeader, byte[] body)
            throws WebhookVerificationException {
        if (id == null || id.isEmpty() || timestamp == null || signatureHeader == null || body == null) {
            throw new WebhookVerificationException(
                    "missing webhook-id, webhook-timestamp, webhook-signature header or body");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new WebhookVerificationException("webhook-timestamp is not a number of seconds");
        }
        // In whole seconds with checked arithmetic: a timestamp chosen to overflow an Instant is refused, not thrown.
        long skew;
        try {
            skew = Math.subtractExact(seconds, clock.instant().getEpochSecond());
        } catch (ArithmeticException e) {
            skew = seconds < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        long allowed = tolerance.getSeconds();
        if (skew < -allowed) {
            throw new WebhookVerificationException("webhook-timestamp is too old (more than " + tolerance + " ago)");
        }
        if (skew > allowed) {
            throw new WebhookVerificationException("webhook-timestamp is too new (more than " + tolerance + " ahead)");
        }
        byte[] signed = signedContent(id, seconds, body);
        List<byte[]> expected = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            expected.add(hmac(key, signed));
        }
        boolean matched = false;
        for (String part : signatureHeader.strip().split(" +")) {
            int comma = part.indexOf(',');
            if (comma < 0 || !part.substring(0, comma).equals("v1")) {
                continue; // another scheme (v1a, …): not ours to check
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(part.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            for (byte[] e : expected) {
                // Constant time, and every pair is compared: how long this takes says nothing about which matched.
                matched |= MessageDigest.isEqual(e, given);
            }
        }
        if (!matched) {
            throw new WebhookVerificationException("no webhook-signature matches");
        }
        return id;
    }

    /**
     * The {@code webhook-signature} value Mailroom would send for this webhook with these secrets (one
     * {@code v1,} signature per secret): for testing your endpoint.
     */
    public String sign(String id, long timestampSeconds, byte[] body) {
        byte[] signed = signedContent(id, timestampSeconds, body);
        List<String> signatures = new ArrayList<>();
        for (byte[] key : keys) {
            signatures.add("v1," + Base64.getEncoder().encodeToString(hmac(key, signed)));
        }
        return String.join(" ", signatures);
    }

    private static byte[] signedContent(String id, long timestamp, byte[] body) {
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, content, 0, prefix.length);
        System.arraycopy(body, 0, content, prefix.length, body.length);
        return content;
    }

    private static byte[] hmac(byte[] key, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
