package dev.mailroom.server.operator;

import dev.mailroom.contracts.DeadLetterAction;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.messaging.OutgoingMessage;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Carries out an administrator's decision on a dead-lettered message. A replay publishes the original
 * bytes (same type, same message id, so consumers stay idempotent) to the original queue with a
 * broker confirm, and only then marks the row resolved, in the same transaction that locked it.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class DeadLetterResolver {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterResolver.class);

    /** Where a replay may go: the queues whose consumers read what was dead-lettered from them. */
    static final Set<String> REPLAYABLE_QUEUES = Set.of(
            QueueNames.MAILBOX,
            QueueNames.MAILBOX_BULK,
            QueueNames.DISPATCHING,
            QueueNames.DISPATCHING_BULK,
            QueueNames.TRACKING,
            QueueNames.CONTROL);

    private final DeadLetterStore store;
    private final ConfirmedPublisher publisher;
    private final TransactionTemplate tx;
    private final Clock clock;

    DeadLetterResolver(DeadLetterStore store, ConfirmedPublisher publisher, TransactionTemplate tx, Clock clock) {
        this.store = store;
        this.publisher = publisher;
        this.tx = tx;
        this.clock = clock;
    }

    static DeadLetterAction validated(DeadLetterAction action) {
        if (action.deadLetterId() == null
                || !(DeadLetterAction.REPLAY.equals(action.action())
                        || DeadLetterAction.DISCARD.equals(action.action()))) {
            throw new MalformedMessageException("a dead-letter action needs an id and 'replay' or 'discard'");
        }
        return action;
    }

    void resolve(List<DeadLetterAction> actions) {
        for (DeadLetterAction action : actions) {
            tx.executeWithoutResult(status -> {
                Optional<DeadLetter> deadLettered = store.lockOpenDeadLetter(action.deadLetterId());
                if (deadLettered.isEmpty()) {
                    log.info(
                            "Dead letter {} is unknown or already resolved; {} ignored",
                            action.deadLetterId(),
                            action.action());
                    return;
                }
                DeadLetter p = deadLettered.get();
                if (DeadLetterAction.REPLAY.equals(action.action()) && !REPLAYABLE_QUEUES.contains(p.queue())) {
                    // The queue of a row dead-lettered through mailroom.dead-letters comes from a header any producer
                    // sets.
                    log.warn(
                            "Dead letter {} was dead-lettered from '{}', which is not a queue Mailroom replays onto; the replay is ignored and"
                                    + " the dead letter stays open (discard it instead)",
                            p.id(),
                            LogSafe.escape(p.queue()));
                    return;
                }
                if (DeadLetterAction.REPLAY.equals(action.action())) {
                    // An AMQP message id is at most 255 bytes; a stored one cut to its column may be longer in UTF-8.
                    boolean keepsId = p.messageId() != null
                            && p.messageId().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255;
                    // Raw: the dead-lettered bytes exactly as they came, not a record read and written again.
                    publisher.publishRaw(new OutgoingMessage(
                            p.queue(),
                            keepsId ? p.messageId() : p.id().toString(),
                            p.type(),
                            p.body(),
                            p.replayHeaders()));
                }
                store.resolveDeadLetter(
                        p.id(),
                        action.action().equals(DeadLetterAction.REPLAY) ? "replayed" : "discarded",
                        clock.instant());
                log.info("Dead letter {} from {}: {}", p.id(), p.queue(), action.action());
            });
        }
    }
}
