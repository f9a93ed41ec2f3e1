package dev.mailroom.server.accounts;

import dev.mailroom.contracts.MailboxProof;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * What an API key is made of: {@code mr_<12 hex>_<40 base64url>}. The first part ({@code mr_} and the
 * hex) is its prefix, shown in listings and logs; the whole key is shown once, at creation, and kept
 * only as its SHA-256, by which it is found. A high-entropy key needs no slow KDF: nobody can guess
 * a preimage of its hash.
 */
final class KeyMaterial {
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyMaterial() {}

    /** A new key, its prefix, its hash and its public id ({@link #publicId}). */
    record NewKey(String key, String prefix, String hash, String publicId) {}

    static NewKey generate() {
        byte[] id = new byte[6];
        byte[] secret = new byte[30];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String prefix = "mr_" + HexFormat.of().formatHex(id);
        String key = prefix + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new NewKey(key, prefix, hash(key), publicId(key));
    }

    /**
     * The column api_keys.public_id: what names the key on a signed queue message (MailboxProof), which a
     * client computes from its key; it reveals nothing of the key.
     */
    static String publicId(String key) {
        return dev.mailroom.contracts.MailboxProof.keyId(key);
    }

    /**
     * SHA-256 of the key, in hex: the column api_keys.secret_hash. The same digest is the key's signing
     * key on the mailbox (MailboxProof.signingKey), so it is computed in that one place.
     */
    static String hash(String key) {
        return HexFormat.of().formatHex(MailboxProof.signingKey(key));
    }
}
