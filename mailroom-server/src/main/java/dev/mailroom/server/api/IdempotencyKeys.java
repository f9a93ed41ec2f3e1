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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
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

    private final NamedParameterJdbcTemplate named;
    private final Duration window;

    IdempotencyKeys(JdbcTemplate jdbc, MailroomProperties properties) {
        this.named = new NamedParameterJdbcTemplate(jdbc);
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
        Decision decision = decided(organizationId, key, requestHash, row, now);
        if (decision == null) {
            throw new IdempotencyKeyReusedException(key, row.orElseThrow().messageId(), window);
        }
        return decision;
    }

    /**
     * The decisions for the items of a batch sent with {@code batchKey}: item {@code i} is a submission
     * under its own key, {@link #itemKey}, with its own request hash, {@link #itemHash} of the batch's hash;
     * one query reads the rows of all of them. Each decision is taken as {@link #decide} takes it, and the
     * batch as a whole is refused if any item's key names a message of another request: another batch.
     *
     * @param batchHash     {@link #batchHash} of the batch's items
     * @param itemsReadable which items have a request (an item without one can have no key row)
     * @return the decision of each item, in order, null for an item without a request
     * @throws IdempotencyKeyReusedException when the key was used with another batch within the window
     */
    List<Decision> decideBatch(
            String organizationId, String batchKey, String batchHash, List<Boolean> itemsReadable, Instant now) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < itemsReadable.size(); i++) {
            if (itemsReadable.get(i)) {
                keys.add(itemKey(batchKey, i));
            }
        }
        Map<String, KeyRow> rows = findAll(organizationId, keys);
        List<Decision> decisions = new ArrayList<>(itemsReadable.size());
        for (int i = 0; i < itemsReadable.size(); i++) {
            if (!itemsReadable.get(i)) {
                decisions.add(null);
                continue;
            }
            String key = itemKey(batchKey, i);
            Decision decision =
                    decided(organizationId, key, itemHash(batchHash, i), Optional.ofNullable(rows.get(key)), now);
            if (decision == null) {
                throw IdempotencyKeyReusedException.forBatch(
                        batchKey, rows.get(key).messageId(), window);
            }
            decisions.add(decision);
        }
        return decisions;
    }

    /** The decision for one key given its row; null when the row names a message of another request. */
    private Decision decided(String organizationId, String key, String requestHash, Optional<KeyRow> row, Instant now) {
        if (row.isEmpty()) {
            return new Submit(Ids.idempotentMessage(organizationId, key));
        }
        KeyRow known = row.get();
        if (!known.recordedAt().plus(window).isAfter(now)) {
            return new Submit(Ids.nextIdempotentMessage(known.messageId()));
        }
        if (!known.requestHash().equals(requestHash)) {
            return null;
        }
        // The operator writes the key row with its message, so the status is there; SUBMITTED only
        // covers a row without its message, which nothing writes.
        return new Replay(known.messageId(), known.status() == null ? MessageStatus.SUBMITTED.name() : known.status());
    }

    /**
     * The key of item {@code index} of a batch sent with {@code batchKey}: {@code <key>#<index>}. A single
     * submission could use the same text as its own key; it never shares a request hash with a batch item
     * ({@link #itemHash} hashes other input), so the two can only meet as a 409, never as one message.
     */
    static String itemKey(String batchKey, int index) {
        return batchKey + "#" + index;
    }

    /**
     * The hash of a batch: of its items' request hashes in order ({@code "-"} for an item that is no
     * request at all), so a batch means the same as another when its items do, one for one.
     */
    static String batchHash(List<String> itemHashes) {
        return sha256("batch\n" + String.join("\n", itemHashes));
    }

    /**
     * The request hash an item of a batch is submitted with: of the whole batch and the item's place in
     * it, so that any difference in the batch (an item changed, added, removed) makes every item's hash
     * differ, and the same key with another batch is a conflict at whichever item's row is found first.
     */
    static String itemHash(String batchHash, int index) {
        return sha256("batch-item\n" + batchHash + "\n" + index);
    }

    private static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The SHA-256 (hex) of the request's canonical JSON: equal for requests that mean the same. */
    static String requestHash(SubmissionRequest request) {
        return sha256(CANONICAL.writeValueAsBytes(request));
    }

    /** The canonical JSON itself (what {@link #requestHash} hashes), for tests and logs. */
    static String canonicalJson(SubmissionRequest request) {
        return new String(CANONICAL.writeValueAsBytes(request), StandardCharsets.UTF_8);
    }

    private record KeyRow(UUID messageId, String requestHash, Instant recordedAt, String status) {}

    private Optional<KeyRow> find(String organizationId, String key) {
        return Optional.ofNullable(findAll(organizationId, List.of(key)).get(key));
    }

    /** The rows of these keys of the organization that exist, by key. */
    private Map<String, KeyRow> findAll(String organizationId, List<String> keys) {
        Map<String, KeyRow> rows = new HashMap<>();
        if (keys.isEmpty()) {
            return rows;
        }
        // One statement: the key rows and their messages' statuses as of one committed state.
        named.query(
                "SELECT k.idempotency_key, k.message_id, k.request_hash, k.created_at, m.status FROM idempotency_keys k"
                        + " LEFT JOIN messages m ON m.id = k.message_id AND m.organization_id = k.organization_id"
                        + " WHERE k.organization_id = :organization AND k.idempotency_key IN (:keys)",
                new MapSqlParameterSource("organization", organizationId).addValue("keys", keys),
                rs -> {
                    rows.put(
                            rs.getString("idempotency_key"),
                            new KeyRow(
                                    rs.getObject("message_id", UUID.class),
                                    rs.getString("request_hash"),
                                    rs.getObject("created_at", OffsetDateTime.class)
                                            .toInstant(),
                                    rs.getString("status")));
                });
        return rows;
    }
}
