package dev.mailroom.server.operator;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.MessageDecision;
import dev.mailroom.contracts.MessageRequest;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.MessageTracing;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Decides the API's requests about one message ({@link MessageRequest}): cancel or reschedule a
 * SCHEDULED message, retry a FAILED one. Each is decided in one transaction that first takes the
 * message's row lock ({@link DecisionStore#lockForDecision}): a release in progress holds that lock until
 * it has recorded QUEUED, so a cancel either finds the message still SCHEDULED (and then no release
 * can take it any more) or finds it QUEUED and refuses. The answer is what happened.
 *
 * <p>A request is carried out only before its {@code expiresAt}, checked again once the lock is held:
 * after that the API has answered its caller 503, and the request must not take effect behind it.
 */
@Service
@ConditionalOnRole(Role.OPERATOR)
class MessageDecisions {
    private static final Logger log = LoggerFactory.getLogger(MessageDecisions.class);
    private static final Set<String> ACTIONS =
            Set.of(MessageRequest.CANCEL, MessageRequest.RESCHEDULE, MessageRequest.RETRY);

    private final DecisionStore decisions;
    private final MessageStore store;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final MeterRegistry meters;
    private final NotificationFeed feed;

    MessageDecisions(
            DecisionStore decisions,
            MessageStore store,
            TransactionTemplate tx,
            Clock clock,
            MeterRegistry meters,
            NotificationFeed feed) {
        this.feed = feed;
        this.decisions = decisions;
        this.store = store;
        this.tx = tx;
        this.clock = clock;
        this.meters = meters;
    }

    /** What a request must hold before it is decided; a request without it is poison (dead-lettered). */
    static MessageRequest validated(MessageRequest request) {
        if (request.requestId() == null
                || request.messageId() == null
                || request.organizationId() == null
                || request.expiresAt() == null
                || !ACTIONS.contains(request.action())) {
            throw new MalformedMessageException(
                    "a message request needs a requestId, a messageId, an organizationId, an expiresAt and an action"
                            + " among " + ACTIONS);
        }
        if (MessageRequest.RESCHEDULE.equals(request.action())
                && (request.sendAt() == null || !EmailRules.isStorable(request.sendAt()))) {
            throw new MalformedMessageException("a reschedule needs a sendAt between years 1 and 9999");
        }
        FieldLimits.check("organizationId", request.organizationId(), 64);
        StorableValues.checkText("organizationId", request.organizationId());
        StorableValues.checkText("requestedBy", request.requestedBy());
        return request;
    }

    MessageDecision decide(MessageRequest request) {
        try (MessageTracing.Handling logging =
                MessageTracing.logging("operator", request.messageId(), request.organizationId())) {
            return decideLogged(request);
        }
    }

    private MessageDecision decideLogged(MessageRequest request) {
        List<ActivityReport> recorded = new java.util.ArrayList<>();
        MessageDecision decision = tx.execute(status -> {
            recorded.clear();
            return decideLocked(request, status, recorded);
        });
        if (MessageDecision.DONE.equals(decision.outcome())) {
            notifyRecorded(request, recorded);
        }
        meters.counter("mailroom.operator.message.decisions", "action", request.action(), "outcome", decision.outcome())
                .increment();
        if (MessageDecision.EXPIRED.equals(decision.outcome())) {
            log.info(
                    "Request {} ({} of message {}) expired at {} before it was decided: not carried out",
                    request.requestId(),
                    request.action(),
                    request.messageId(),
                    request.expiresAt());
        }
        return decision;
    }

    /** Committed and about to be answered: a failure to notify loses the notification, not the decision. */
    private void notifyRecorded(MessageRequest request, List<ActivityReport> recorded) {
        try {
            feed.activitiesRecorded(recorded);
        } catch (RuntimeException e) {
            log.warn(
                    "Request {} ({} of message {}) carried out but not notified to webhook endpoints: {}",
                    request.requestId(),
                    request.action(),
                    request.messageId(),
                    e.toString());
        }
    }

    private MessageDecision decideLocked(
            MessageRequest request, TransactionStatus status, List<ActivityReport> recorded) {
        if (expired(request)) {
            return answer(request, MessageDecision.EXPIRED, null);
        }
        Optional<DecisionStore.Locked> locked =
                decisions.lockForDecision(request.messageId(), request.organizationId());
        // Waiting for the lock (a long release, a slow database) may have taken the request past its expiry.
        if (expired(request)) {
            status.setRollbackOnly();
            return answer(request, MessageDecision.EXPIRED, null);
        }
        if (locked.isEmpty()) {
            return answer(request, MessageDecision.NOT_FOUND, null);
        }
        DecisionStore.Locked message = locked.get();
        Instant now = clock.instant();
        return switch (request.action()) {
            case MessageRequest.CANCEL -> cancel(request, message, now, recorded);
            case MessageRequest.RESCHEDULE -> reschedule(request, message, now, recorded);
            default -> retry(request, message, now, recorded);
        };
    }

    private MessageDecision cancel(
            MessageRequest request, DecisionStore.Locked message, Instant now, List<ActivityReport> recorded) {
        if (message.status() != MessageStatus.SCHEDULED
                || !store.cancelScheduled(request.messageId(), request.organizationId(), now)) {
            return answer(request, MessageDecision.REFUSED, message.status());
        }
        // The same activity id as a cancel from the mailbox: a message is canceled once.
        record(
                List.of(ActivityReport.pipeline(request.messageId(), MessageStatus.CANCELED, 0, now, null)),
                now,
                recorded);
        return answer(request, MessageDecision.DONE, MessageStatus.CANCELED);
    }

    private MessageDecision reschedule(
            MessageRequest request, DecisionStore.Locked message, Instant now, List<ActivityReport> recorded) {
        Instant dueAt = request.sendAt().isAfter(now) ? request.sendAt() : now;
        if (message.status() != MessageStatus.SCHEDULED
                || !decisions.reschedule(request.messageId(), dueAt, dueAt, now)) {
            return answer(request, MessageDecision.REFUSED, message.status());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("sendAt", dueAt.toString());
        if (message.sendAt() != null) {
            details.put("previousSendAt", message.sendAt().toString());
        }
        if (!dueAt.equals(request.sendAt())) {
            details.put("requestedSendAt", request.sendAt().toString());
        }
        record(List.of(timelineEntry(request, MessageStatus.SCHEDULED, now, details)), now, recorded);
        return answer(request, MessageDecision.DONE, MessageStatus.SCHEDULED);
    }

    private MessageDecision retry(
            MessageRequest request, DecisionStore.Locked message, Instant now, List<ActivityReport> recorded) {
        if (message.status() != MessageStatus.FAILED || !decisions.restartDispatch(request.messageId(), now)) {
            return answer(request, MessageDecision.REFUSED, message.status());
        }
        int attempt = message.attempts() + 1;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("attempt", attempt);
        details.put("retriedBy", request.requestedBy() == null ? "unknown" : request.requestedBy());
        // The QUEUED of the new attempt, under the id the releaser's own QUEUED of that attempt takes: one
        // entry on the timeline, saying who asked for it.
        record(
                List.of(ActivityReport.pipeline(request.messageId(), MessageStatus.QUEUED, attempt, now, details)),
                now,
                recorded);
        return answer(request, MessageDecision.DONE, MessageStatus.QUEUED);
    }

    private void record(List<ActivityReport> activities, Instant now, List<ActivityReport> recorded) {
        store.insertActivities(activities, now);
        recorded.addAll(activities);
    }

    /** A timeline entry of this request: its id derives from the request, so a redelivery records it once. */
    private static ActivityReport timelineEntry(
            MessageRequest request, MessageStatus status, Instant now, Map<String, Object> details) {
        return new ActivityReport(
                Ids.of("message-request", request.requestId().toString(), status.name()),
                request.messageId(),
                null,
                null,
                status,
                now,
                null,
                null,
                details,
                null,
                null);
    }

    private boolean expired(MessageRequest request) {
        return !clock.instant().isBefore(request.expiresAt());
    }

    private MessageDecision answer(MessageRequest request, String outcome, MessageStatus status) {
        return new MessageDecision(
                request.requestId(),
                request.messageId(),
                outcome,
                status == null ? null : status.name(),
                clock.instant());
    }
}
