package dev.mailroom.server.operator;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.mailroom.contracts.MailboxProof;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.Accounts;
import dev.mailroom.server.accounts.AccountsProperties;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Checks the proof of organization of a mailbox message ({@link MailboxProof}): the key named by
 * {@value MailboxProof#KEY_ID_HEADER} exists, is neither revoked nor expired, may send (scope
 * {@code send}, or the installation's {@code internal} key with which Mailroom's API signs), and signed
 * this very message id, type and body. The operator only reads {@code api_keys}; what it read about a
 * key is trusted for {@code mailroom.accounts.key-recheck} (5 s) like on the API, so a revoked key stops
 * proving anything within that time, and a busy sender costs no query per message.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class MailboxProofs {
    /** The scope a key needs to put messages in the mailbox. */
    static final String SEND = "send";
    /** The scope of the installation's own key (accounts' InternalKey): any organization. */
    static final String INTERNAL = "internal";

    /** Unknown ids are remembered too (as absent), so a flood of made-up ids costs no query each. */
    private static final int MAX_CACHED = 10_000;

    private static final int MAX_KEY_ID = 64;
    /**
     * How long an unknown key id stays unknown: short, so that a key whose row is written a moment late (a
     * configured key, written by an API process at its start) is found soon; long enough that a flood of
     * made-up ids costs no query each.
     */
    static final Duration UNKNOWN_RECHECK = Duration.ofSeconds(1);

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Cache<String, Optional<SigningKey>> recent;
    /** mailroom.api.bootstrap-key when this process is given it; null otherwise. */
    private final ConfiguredKey configuredBootstrap;

    private record ConfiguredKey(String keyId, SigningKey key) {}

    /** What the operator needs of a key. {@code organizationId} null: the internal key (no organization). */
    record SigningKey(
            String prefix,
            String organizationId,
            Set<String> scopes,
            byte[] signingKey,
            Instant expiresAt,
            Instant revokedAt) {}

    /**
     * A message whose proof holds.
     *
     * @param organizationId the key's organization; null for the internal key, which signs for any
     */
    record Proven(String keyPrefix, String organizationId) {
        /**
         * The organization the message is recorded under: the key's. A body that names another is refused;
         * one that names none takes the key's. The internal key signs for the organization the body names.
         *
         * @throws MalformedMessageException (dead-lettered with its reason) when the body names another
         *     organization, or the internal key signed a message naming none
         */
        /** Signed with the installation's internal key: Mailroom's own API published it. */
        boolean byMailroom() {
            return organizationId == null;
        }

        String organizationFor(String claimed) {
            if (organizationId == null) {
                if (claimed == null) {
                    throw refused("signed with Mailroom's internal key but names no organizationId");
                }
                return claimed;
            }
            if (claimed != null && !claimed.equals(organizationId)) {
                throw refused("the message names organization '" + LogSafe.escape(claimed)
                        + "' but is signed with the key " + keyPrefix + " of organization '" + organizationId
                        + "'");
            }
            return organizationId;
        }
    }

    @Autowired
    MailboxProofs(JdbcTemplate jdbc, Clock clock, AccountsProperties accounts, MailroomProperties properties) {
        this(jdbc, clock, accounts.keyRecheck(), properties.api().bootstrapKey());
    }

    /** @param bootstrap mailroom.api.bootstrap-key, or null */
    MailboxProofs(JdbcTemplate jdbc, Clock clock, Duration keyRecheck, String bootstrap) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.recent = Caffeine.newBuilder()
                .maximumSize(MAX_CACHED)
                .expireAfter(Expiry.<String, Optional<SigningKey>>writing(
                        (id, key) -> key.isPresent() ? keyRecheck : UNKNOWN_RECHECK))
                .build();
        this.configuredBootstrap = bootstrap == null || bootstrap.isBlank()
                ? null
                : new ConfiguredKey(
                        MailboxProof.keyId(bootstrap),
                        new SigningKey(
                                "bootstrap",
                                Accounts.FIRST_ORGANIZATION,
                                Set.of(SEND),
                                MailboxProof.signingKey(bootstrap),
                                null,
                                null));
    }

    /**
     * The message's proof, checked.
     *
     * @throws MalformedMessageException with the reason when there is none or it does not hold
     * @throws org.springframework.dao.DataAccessException when the database does not answer (the
     *     message is not to blame: the batch waits)
     */
    Proven check(Message message) {
        MessageProperties props = message.getMessageProperties();
        String keyId = header(props, MailboxProof.KEY_ID_HEADER);
        String signature = header(props, MailboxProof.SIGNATURE_HEADER);
        if (keyId == null || signature == null) {
            throw refused("no proof of organization: a mailbox message must be signed with an API key (headers "
                    + MailboxProof.KEY_ID_HEADER + " and " + MailboxProof.SIGNATURE_HEADER
                    + "; the Java client's MailroomClient.connect(uri, apiKey) signs)");
        }
        if (keyId.length() > MAX_KEY_ID) {
            throw refused("unknown key id in " + MailboxProof.KEY_ID_HEADER);
        }
        SigningKey key = recent.get(keyId, this::lookUp)
                .or(() -> configured(keyId))
                .orElseThrow(() -> refused("unknown key id '" + LogSafe.escape(keyId) + "' in "
                        + MailboxProof.KEY_ID_HEADER + " (no such API key)"));
        Instant now = clock.instant();
        if (key.revokedAt() != null) {
            throw refused("the key " + key.prefix() + " was revoked at " + key.revokedAt());
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            throw refused("the key " + key.prefix() + " expired at " + key.expiresAt());
        }
        boolean internal = key.organizationId() == null && key.scopes().contains(INTERNAL);
        if (!internal && (key.organizationId() == null || !key.scopes().contains(SEND))) {
            throw refused("the key " + key.prefix() + " lacks the scope '" + SEND + "'");
        }
        if (!MailboxProof.verify(
                key.signingKey(), props.getMessageId(), props.getType(), message.getBody(), signature)) {
            throw refused("the signature in " + MailboxProof.SIGNATURE_HEADER + " does not match the message (id, type"
                    + " and body) for the key " + key.prefix());
        }
        return new Proven(key.prefix(), internal ? null : key.organizationId());
    }

    /**
     * The configured bootstrap key while its row is not written yet (an API process writes it at its start,
     * perhaps after this operator takes messages); once written, the row decides (a revocation included).
     */
    private Optional<SigningKey> configured(String keyId) {
        return configuredBootstrap != null && configuredBootstrap.keyId().equals(keyId)
                ? Optional.of(configuredBootstrap.key())
                : Optional.empty();
    }

    private Optional<SigningKey> lookUp(String keyId) {
        return jdbc
                .query(
                        "SELECT prefix, organization_id, scopes, secret_hash, expires_at, revoked_at FROM api_keys"
                                + " WHERE public_id = ?",
                        (rs, n) -> new SigningKey(
                                rs.getString(1),
                                rs.getString(2),
                                Arrays.stream(rs.getString(3).split(","))
                                        .map(String::strip)
                                        .collect(Collectors.toUnmodifiableSet()),
                                MailboxProof.signingKeyFromHash(rs.getString(4)),
                                instant(rs.getTimestamp(5)),
                                instant(rs.getTimestamp(6))),
                        keyId)
                .stream()
                .findFirst();
    }

    private static String header(MessageProperties props, String name) {
        // Spring AMQP hands AMQP long strings over as String (up to its limit, far above a proof's size);
        // anything else is no proof.
        return props.getHeader(name) instanceof String value ? value : null;
    }

    private static Instant instant(Timestamp at) {
        return at == null ? null : at.toInstant();
    }

    private static MalformedMessageException refused(String reason) {
        return new MalformedMessageException("refused: " + reason);
    }
}
