package dev.mailroom.server.operator;

import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MailboxProof;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Dead-letters a queue message that cannot be processed in the dead-letter table, with the reason.
 *
 * <p>Dead-lettering must not fail: it is what stops a poison message from looping. Every value a
 * producer controls (queue name from a header, AMQP type and message id, a reason that may quote
 * the bad value) is made to fit its column here: NUL removed, and a value longer than its column
 * cut and ended with a hash of the whole, so two long ids stay two ids. The row's own id is made
 * from the values as they arrived, so a redelivery of the same message is still one row. A
 * database outage is waited out like everywhere else in the operator; should a row still be
 * refused, a minimal one (ASCII names, no type) is stored instead.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    /** The column sizes of dead_letters (V1__messages_and_activities.sql). */
    static final int QUEUE_COLUMN = 64;

    static final int TYPE_COLUMN = 128;
    static final int MESSAGE_ID_COLUMN = 128;
    /** proof_key_id and proof_signature (V8). */
    static final int PROOF_COLUMN = 128;
    /** reason is TEXT; a bound keeps one bad message from storing (and the API from listing) megabytes of it. */
    static final int MAX_REASON = 4000;

    /** Where the rows go: {@link DeadLetterStore#insert}. */
    interface Rows {
        void insert(
                UUID id, String queue, String type, String messageId, String reason, String bodyBase64, Instant now);

        /** Keeps a mailbox message's proof headers with its row, for a replay ({@link DeadLetterStore#keepProof}). */
        default void keepProof(UUID id, String keyId, String signature) {}
    }

    private final Rows store;
    private final Clock clock;

    @Autowired
    DeadLetters(DeadLetterStore store, Clock clock) {
        this(
                new Rows() {
                    @Override
                    public void insert(
                            UUID id,
                            String queue,
                            String type,
                            String messageId,
                            String reason,
                            String bodyBase64,
                            Instant now) {
                        store.insert(id, queue, type, messageId, reason, bodyBase64, now);
                    }

                    @Override
                    public void keepProof(UUID id, String keyId, String signature) {
                        store.keepProof(id, keyId, signature);
                    }
                },
                clock);
    }

    DeadLetters(Rows rows, Clock clock) {
        this.store = rows;
        this.clock = clock;
    }

    void add(String queue, Message message, String reason) {
        MessageProperties props = message.getMessageProperties();
        UUID id = add(queue, props.getType(), props.getMessageId(), reason, message.getBody());
        // A signed mailbox message keeps its proof: replayed with the same id, type and body, it still holds
        // (and one whose proof did not hold is refused again).
        if (props.getHeader(MailboxProof.KEY_ID_HEADER) instanceof String keyId
                && props.getHeader(MailboxProof.SIGNATURE_HEADER) instanceof String signature) {
            OperatorFailures.waitOutOutages(
                    () -> store.keepProof(id, fit(keyId, PROOF_COLUMN), fit(signature, PROOF_COLUMN)));
        }
    }

    /** @return the dead letter's row id */
    UUID add(String queue, String type, String messageId, String reason, byte[] body) {
        String bodyBase64 = Base64.getEncoder().encodeToString(body == null ? new byte[0] : body);
        String from = queue == null ? QueueNames.DEAD_LETTERS : queue;
        UUID id = Ids.of("dead-letter", from, messageId == null ? bodyBase64 : messageId);
        String storedQueue = fit(from, QUEUE_COLUMN);
        String storedId = fit(messageId, MESSAGE_ID_COLUMN);
        String storedReason = reason(reason);
        log.warn(
                "Dead-lettering message {} from {}: {}",
                LogSafe.escape(storedId),
                LogSafe.escape(storedQueue),
                LogSafe.escape(storedReason));
        try {
            OperatorFailures.waitOutOutages(() -> store.insert(
                    id, storedQueue, fit(type, TYPE_COLUMN), storedId, storedReason, bodyBase64, clock.instant()));
        } catch (RuntimeException e) {
            if (OperatorFailures.isInfrastructure(e)) {
                throw e;
            }
            log.error("Dead letter {} refused as it is ({}); storing a minimal row instead", id, Isolation.summary(e));
            String minimalReason = reason("could not be dead-lettered with its own queue name, type and id ("
                            + Isolation.summary(e) + "); " + (reason == null ? "" : reason))
                    .replaceAll("[^\\x20-\\x7e]", "?");
            OperatorFailures.waitOutOutages(() -> store.insert(
                    id,
                    ascii(storedQueue),
                    null,
                    messageId == null ? null : "sha256:" + sha256(messageId).substring(0, 32),
                    minimalReason,
                    bodyBase64,
                    clock.instant()));
        }
        return id;
    }

    /**
     * The value without NUL, at most {@code max} characters: a longer one keeps its beginning and
     * ends with "…" and 16 hex digits of the SHA-256 of the whole value.
     */
    static String fit(String value, int max) {
        if (value == null) {
            return null;
        }
        String clean = StorableValues.withoutNul(value);
        if (clean.length() <= max) {
            return clean;
        }
        int keep = max - 17;
        if (Character.isHighSurrogate(clean.charAt(keep - 1))) {
            keep--;
        }
        return clean.substring(0, keep) + "…" + sha256(value).substring(0, 16);
    }

    private static String reason(String reason) {
        String clean = StorableValues.withoutNul(reason == null || reason.isBlank() ? "no reason given" : reason);
        return clean.length() <= MAX_REASON ? clean : clean.substring(0, MAX_REASON) + "…";
    }

    private static String ascii(String value) {
        String clean = value.replaceAll("[^A-Za-z0-9._-]", "_");
        return clean.isEmpty() ? QueueNames.DEAD_LETTERS : clean;
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
