package dev.mailroom.server.api;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an {@code Idempotency-Key} means for a submission, read from the key rows the operator keeps
 * ({@code idempotency_keys}, one per organization and key, written with the message it names).
 *
 * <ul>
 *   <li>No row yet: the key names {@link Ids#idempotentMessage}; every API process derives the same
 *       id, so retries racing one another before the operator recorded any of them are one message.</li>
 *   <li>A row within the window and the same request hash: that message, with its current status;
 *       nothing is published again.</li>
 *   <li>A row within the window and another hash: {@link IdempotencyKeyReusedException} (409).</li>
 *   <li>A row older than the window: a new message, {@link Ids#nextIdempotentMessage} of the one the
 *       row names, so that retries racing one another after the window still agree on one id.</li>
 * </ul>
 */
@Repository
@ConditionalOnRole(Role.API)
class IdempotencyKeys {
    /**
     * The request's meaning rather than its bytes: the parsed request written again with properties and
     * map entries in name order, so that whitespace, key order and absent-versus-empty lists do not count.
     */
    private static final JsonMapper CANONICAL = ContractJson.mapper()
            .rebuild()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private final JdbcTemplate jdbc;
    private final Duration window;

    IdempotencyKeys(JdbcTemplate jdbc, MailroomProperties properties) {
        this.jdbc = jdbc;
        this.window = properties.api().idempotencyWindow();
    }

    /** What to do with a submission under this key. */
    sealed interface Decision {
        UUID messageId();
    }

    /** Publish a submission of a message under this id. */
    record Submit(UUID messageId) implements Decision {}

    /** The key already names this message, for this very request: answer it, publish nothing. */
    record Replay(UUID messageId, String status) implements Decision {}

    /**
     * @throws IdempotencyKeyReusedException when the key names a message of another request within the window
     */
    Decision decide(String organizationId, String key, String requestHash, Instant now) {
        Optional<KeyRow> row = find(organizationId, key);
        if (row.isEmpty()) {
            return new Submit(Ids.idempotentMessage(organizationId, key));
        }
        KeyRow known = row.get();
        if (!known.recordedAt().plus(window).isAfter(now)) {
            return new Submit(Ids.nextIdempotentMessage(known.messageId()));
        }
        if (!known.requestHash().equals(requestHash)) {
            throw new IdempotencyKeyReusedException(key, known.messageId(), window);
        }
        // The operator writes the key row with its message, so the status is there; SUBMITTED only
        // covers a row without its message, which nothing writes.
        return new Replay(known.messageId(), known.status() == null ? MessageStatus.SUBMITTED.name() : known.status());
    }

    /** The SHA-256 (hex) of the request's canonical JSON: equal for requests that mean the same. */
    static String requestHash(SubmissionRequest request) {
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(request);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The canonical JSON itself (what {@link #requestHash} hashes), for tests and logs. */
    static String canonicalJson(SubmissionRequest request) {
        return new String(CANONICAL.writeValueAsBytes(request), StandardCharsets.UTF_8);
    }

    private record KeyRow(UUID messageId, String requestHash, Instant recordedAt, String status) {}

    private Optional<KeyRow> find(String organizationId, String key) {
        // One statement: the key row and its message's status as of one committed state.
        List<KeyRow> rows = jdbc.query(
                "SELECT k.message_id, k.request_hash, k.created_at, m.status FROM idempotency_keys k"
                        + " LEFT JOIN messages m ON m.id = k.message_id AND m.organization_id = k.organization_id"
                        + " WHERE k.organization_id = ? AND k.idempotency_key = ?",
                (rs, i) -> new KeyRow(
                        rs.getObject("message_id", UUID.class),
                        rs.getString("request_hash"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getString("status")),
                organizationId,
                key);
        return rows.stream().findFirst();
    }
}
