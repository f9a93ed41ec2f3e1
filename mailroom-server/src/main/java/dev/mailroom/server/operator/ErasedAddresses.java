package dev.mailroom.server.operator;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ErasureRequest;
import dev.mailroom.contracts.MailboxProof;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.ErasureProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.InternalKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Erased addresses stay suppressed without being kept ({@code erased_addresses}): the row holds
 * {@code hex(HMAC-SHA256(k, "v1" NUL organization NUL normalized address))}, and the suppression check hashes every
 * recipient the same way and looks it up. The organization is part of the hash, so one person erased in two
 * organizations leaves two unrelated values. {@link ErasureRequest#ERASED_ADDRESS}, which erased rows keep in place of
 * an address, is suppressed always.
 *
 * <p>The key {@code k} is {@code mailroom.erasure.hash-key} where set, else {@code HMAC-SHA256(internal key's signing
 * key, "mailroom-erased-address-v1")} (like the unsubscribe key, derived from the key the first API process writes
 * into {@code api_keys}). A keyed hash rather than a plain one: with a plain hash anyone holding the table could test
 * a list of addresses; with this one they also need the key, which, when configured, is not in the database.
 * {@code key_id} (a fingerprint of the key) tells rows of another key apart, which no longer match: a start that finds
 * any warns.
 */
@Repository
@ConditionalOnRole(Role.OPERATOR)
class ErasedAddresses {
    private static final Logger log = LoggerFactory.getLogger(ErasedAddresses.class);
    private static final String ALGORITHM = "HmacSHA256";
    /** How often a missing internal key is looked for again. */
    private static final Duration LOOK_AGAIN = Duration.ofSeconds(5);

    /** The key and its fingerprint. */
    record Key(byte[] secret, String id) {}

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final String configured;
    private final Clock clock;
    private volatile Key key;
    private volatile Instant lookedAt = Instant.MIN;

    ErasedAddresses(JdbcTemplate jdbc, ErasureProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.configured = properties.hashKey();
        this.clock = clock;
    }

    /** The key, or null while there is none (no key configured and no API process has written the internal key). */
    Key key() {
        Key current = key;
        if (current != null) {
            return current;
        }
        Instant now = clock.instant();
        if (configured == null && now.isBefore(lookedAt.plus(LOOK_AGAIN))) {
            return null;
        }
        lookedAt = now;
        byte[] secret;
        if (configured != null) {
            secret = configured.getBytes(StandardCharsets.UTF_8);
        } else {
            List<String> hashes =
                    jdbc.queryForList("SELECT secret_hash FROM api_keys WHERE id = ?", String.class, InternalKey.ID);
            if (hashes.isEmpty() || hashes.get(0) == null) {
                return null;
            }
            secret = hmac(MailboxProof.signingKeyFromHash(hashes.get(0)), "mailroom-erased-address-v1");
        }
        current =
                new Key(secret, HexFormat.of().formatHex(hmac(secret, "key-id")).substring(0, 16));
        key = current;
        Integer others = jdbc.queryForObject(
                "SELECT COUNT(*) FROM erased_addresses WHERE key_id <> ?", Integer.class, current.id());
        if (others != null && others > 0) {
            log.warn(
                    "{} erased addresses were hashed under another mailroom.erasure.hash-key than the current one"
                            + " ({}): they are no longer suppressed. Set the key they were erased under again.",
                    others,
                    current.id());
        }
        return current;
    }

    /** The stored form of an address of an organization. */
    static String hash(Key key, String organizationId, String email) {
        return hash(mac(key.secret()), organizationId, email);
    }

    /** The same with a MAC made once for many addresses ({@code doFinal} leaves it ready for the next). */
    private static String hash(Mac mac, String organizationId, String email) {
        String text = "v1\u0000" + organizationId + "\u0000" + Address.normalize(email);
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Keeps the address suppressed (idempotent).
     *
     * @throws IllegalStateException when there is no key yet
     */
    void add(String organizationId, String email) {
        Key k = key();
        if (k == null) {
            throw new IllegalStateException(
                    "no erasure key yet: neither mailroom.erasure.hash-key nor the internal key");
        }
        jdbc.update(
                "INSERT INTO erased_addresses (organization_id, address_hash, key_id) VALUES (?,?,?)"
                        + " ON CONFLICT DO NOTHING",
                organizationId,
                hash(k, organizationId, email),
                k.id());
    }

    /**
     * The erased ones among the given addresses of the given organizations: one query for a batch.
     *
     * @param emailsByOrganization per organization, addresses in any spelling
     * @return per organization, the normalized addresses that are erased
     */
    Map<String, Set<String>> find(Map<String, ? extends Collection<String>> emailsByOrganization) {
        Map<String, Set<String>> found = new HashMap<>();
        Map<String, String[]> byHash = new HashMap<>();
        Mac mac = null;
        for (Map.Entry<String, ? extends Collection<String>> e : emailsByOrganization.entrySet()) {
            for (String email : e.getValue()) {
                String normalized = Address.normalize(email);
                if (ErasureRequest.ERASED_ADDRESS.equals(normalized)) {
                    found.computeIfAbsent(e.getKey(), o -> new HashSet<>()).add(normalized);
                    continue;
                }
                if (mac == null) {
                    Key k = key();
                    if (k == null) {
                        // No key, no erasure could have been carried out: nothing is hashed.
                        return found;
                    }
                    mac = mac(k.secret());
                }
                byHash.put(hash(mac, e.getKey(), normalized), new String[] {e.getKey(), normalized});
            }
        }
        if (byHash.isEmpty()) {
            return found;
        }
        named.query(
                "SELECT organization_id, address_hash FROM erased_addresses WHERE organization_id IN (:orgs)"
                        + " AND address_hash IN (:hashes)",
                new MapSqlParameterSource()
                        .addValue("orgs", emailsByOrganization.keySet())
                        .addValue("hashes", byHash.keySet()),
                rs -> {
                    String[] asked = byHash.get(rs.getString("address_hash"));
                    if (asked != null && asked[0].equals(rs.getString("organization_id"))) {
                        found.computeIfAbsent(asked[0], o -> new HashSet<>()).add(asked[1]);
                    }
                });
        return found;
    }

    private static byte[] hmac(byte[] key, String text) {
        return mac(key).doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
        }
    }
}
