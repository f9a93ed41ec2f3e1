package dev.mailroom.server.accounts;

import dev.mailroom.contracts.MailboxProof;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.UnsubscribeToken;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The installation's own key, with which Mailroom's API signs what it puts in the mailbox for its
 * callers (submissions and cancels made through the REST API, already authenticated there). It is a
 * row of {@code api_keys} with a fixed id, no organization and the scope {@value #SCOPE}, which the
 * operator accepts for any organization. Its secret is generated once, by whichever API process
 * comes first, and kept nowhere but as its hash; the signing key <em>is</em> that hash
 * ({@link MailboxProof#signingKey}), so the API signs with what it reads from the row.
 *
 * <p>Trust: whoever can read {@code api_keys} can sign as any organization — the API and operator
 * processes and the database's administrators; the same people could write the email history
 * directly. An application with broker access only cannot.
 */
@Component
@ConditionalOnRole(Role.API)
public class InternalKey {
    /** The scope word of the internal key (no organization's key has it). */
    public static final String SCOPE = "internal";

    /** Public so that the operator can read the row's hash (the unsubscribe key is derived from it). */
    public static final UUID ID = UUID.nameUUIDFromBytes("mailroom:internal-key".getBytes());

    private final KeyStore keys;
    /** Read once: the row never changes once written. */
    private volatile Signing signing;

    private record Signing(String publicId, byte[] key) {}

    InternalKey(KeyStore keys) {
        this.keys = keys;
    }

    /**
     * The proof headers ({@link MailboxProof}) of a mailbox message signed with the internal key.
     *
     * @throws org.springframework.dao.DataAccessException when the key was never read and the database
     *     does not answer (after the first read, signing needs no database)
     */
    public Map<String, String> proofOf(String messageId, String type, byte[] body) {
        Signing current = signing();
        return MailboxProof.headers(current.publicId(), current.key(), messageId, type, body);
    }

    /** The key of one-click unsubscribe tokens ({@link UnsubscribeToken#keyFrom}), derived from this key. */
    public byte[] unsubscribeKey() {
        return UnsubscribeToken.keyFrom(signing().key());
    }

    /** Writes the row unless it exists (first start; several API processes at once agree on the first). */
    void ensure() {
        signing();
    }

    private Signing signing() {
        Signing current = signing;
        if (current == null) {
            synchronized (this) {
                current = signing;
                if (current == null) {
                    current = readOrCreate();
                    signing = current;
                }
            }
        }
        return current;
    }

    private Signing readOrCreate() {
        var existing = keys.findSigning(ID);
        if (existing.isEmpty()) {
            // The key itself is thrown away at once: only its hash is ever needed.
            KeyMaterial.NewKey material = KeyMaterial.generate();
            keys.insertIfAbsent(
                    new KeyStore.KeyRow(
                            ID,
                            null,
                            "Mailroom's own key (signs what the API puts in the mailbox)",
                            SCOPE,
                            Set.of(SCOPE),
                            Instant.now(),
                            "installation",
                            null,
                            null,
                            null),
                    material.hash(),
                    material.publicId());
            existing = keys.findSigning(ID);
        }
        KeyStore.Signing row = existing.orElseThrow(
                () -> new IllegalStateException("the internal key's row " + ID + " could not be written"));
        return new Signing(row.publicId(), MailboxProof.signingKeyFromHash(row.secretHash()));
    }
}
