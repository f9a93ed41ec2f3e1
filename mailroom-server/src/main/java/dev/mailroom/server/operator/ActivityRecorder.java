package dev.mailroom.server.operator;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Records a batch of activity reports from the tracking queue in one transaction. Each report is
 * stored once (deterministic id), events known only by the provider's message id are matched to
 * our message (or kept unmatched), and each message's status is raised by precedence, never
 * lowered. A dispatcher's DEFERRED schedules the next attempt, or FAILED when attempts run out.
 */
@Service
@ConditionalOnRole(Role.OPERATOR)
class ActivityRecorder {
    private final MessageStore store;
    private final AutomaticSuppressions suppressions;
    private final RetryPolicy retries;
    private final TransactionTemplate tx;
    private final Clock clock;
    /** {@code mailroom_operator_activity_reports_total{status}}, built up front: every status is there at 0. */
    private final Map<MessageStatus, io.micrometer.core.instrument.Counter> reportCounters =
            new java.util.EnumMap<>(MessageStatus.class);

    private final StageLatencies stages;
    private final ErasedActivities erased;

    ActivityRecorder(
            MessageStore store,
            ErasedActivities erased,
            AutomaticSuppressions suppressions,
            RetryPolicy retries,
            TransactionTemplate tx,
            Clock clock,
            MeterRegistry meters,
            StageLatencies stages) {
        for (MessageStatus status : MessageStatus.values()) {
            reportCounters.put(status, meters.counter("mailroom.operator.activity.reports", "status", status.name()));
        }
        this.stages = stages;
        this.erased = erased;
        this.suppressions = suppressions;
        this.store = store;
        this.retries = retries;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Bounds one transaction: its row locks, and the IN lists of its queries (PostgreSQL takes at
     * most 32,767 parameters per statement). A queue batch of webhook batches can hold thousands of
     * reports; it is recorded in chunks, each idempotent, so a redelivery after a partial success
     * only repeats what was already there.
     */
    static final int MAX_REPORTS_PER_TRANSACTION = 1000;

    void record(List<ActivityReport> batch) {
        for (int from = 0; from < batch.size(); from += MAX_REPORTS_PER_TRANSACTION) {
            recordTogether(batch.subList(from, Math.min(batch.size(), from + MAX_REPORTS_PER_TRANSACTION)));
        }
    }

    /**
     * What a transaction recorded: the activities (matched, adopted, planned), the suppressions they added and the
     * stages their messages reached (for {@link StageLatencies}, once committed).
     */
    record Recorded(
            List<ActivityReport> activities,
            List<SuppressionList.Entry> suppressions,
            List<StageLatencies.Reached> reached) {}

    /** Records at most {@link #MAX_REPORTS_PER_TRANSACTION} reports in one transaction: all or none. */
    Recorded recordTogether(List<ActivityReport> reports) {
        Recorded recorded = tx.execute(status -> recordInTransaction(reports, clock.instant()));
        if (recorded != null) {
            stages.record(recorded.reached());
        }
        return recorded;
    }

    private Recorded recordInTransaction(List<ActivityReport> batch, Instant now) {
        List<MessageStore.Dispatch> dispatches = batch.stream()
                .filter(r -> r.status() == MessageStatus.DISPATCHED
                        && r.messageId() != null
                        && r.providerMessageId() != null)
                .map(r -> new MessageStore.Dispatch(r.messageId(), r.provider(), r.providerMessageId()))
                .toList();
        List<ActivityReport> reports = matchToMessages(batch, dispatches);
        Map<UUID, MessageStore.Locked> messages = store.lockForRecording(reports.stream()
                .map(ActivityReport::messageId)
                .filter(java.util.Objects::nonNull)
                .distinct()
                .toList());
        List<ActivityReport> all = new ArrayList<>(reports.size());
        // Events that came before their dispatch was recorded join their message now: they count as recorded now.
        List<ActivityReport> adopted = dispatches.isEmpty() ? List.of() : store.adoptUnmatchedEvents(dispatches);
        for (ActivityReport r : reports) {
            if (r.retryAt() != null && r.messageId() != null && r.attempt() != null) {
                all.addAll(planRetry(r, now));
            } else {
                all.add(r);
            }
        }
        joinEmailTraces(reports, messages);
        // An erased recipient's later events are recorded (and notified) without what identifies the person.
        all = erased.scrub(all, messages);
        Set<UUID> newSoftBounces = suppressions.newSoftBounces(all);
        store.insertActivities(all, now, traceParentsOf(messages));
        List<ActivityReport> recorded = new ArrayList<>(adopted);
        recorded.addAll(all);
        raiseStatuses(recorded, messages, dispatches, now);
        List<SuppressionList.Entry> added = suppressions.record(recorded, messages, newSoftBounces, now);
        all.forEach(r -> reportCounters.get(r.status()).increment());
        return new Recorded(recorded, added, stagesReached(recorded, messages, now));
    }

    /**
     * The first attempt's DISPATCHED of a message not yet past QUEUED (or past it by a provider's event that overtook
     * the dispatcher's report, the dispatch itself not recorded yet), and the first provider event that takes a
     * message past DISPATCHED (delivered, bounced, dropped, opened...), each once per message; judged by what the
     * message had before this batch, so a redelivered report counts nothing. Scheduled messages are left out.
     */
    private static List<StageLatencies.Reached> stagesReached(
            List<ActivityReport> recorded, Map<UUID, MessageStore.Locked> messages, Instant now) {
        List<StageLatencies.Reached> reached = new ArrayList<>();
        Set<UUID> dispatched = new java.util.HashSet<>();
        Set<UUID> evented = new java.util.HashSet<>();
        int dispatchedRank = MessageStatus.DISPATCHED.precedence();
        for (ActivityReport r : recorded) {
            MessageStore.Locked message = r.messageId() == null ? null : messages.get(r.messageId());
            if (message == null || message.scheduled() || message.submittedAt() == null || r.status() == null) {
                continue;
            }
            boolean providerEvent = r.attempt() == null && r.provider() != null;
            if (r.status() == MessageStatus.DISPATCHED
                    && r.attempt() != null
                    && r.attempt() == 1
                    && (message.statusRank() < dispatchedRank
                            || (!message.dispatchRecorded() && r.providerMessageId() != null))
                    && dispatched.add(r.messageId())) {
                reached.add(new StageLatencies.Reached(StageLatencies.Stage.DISPATCHED, message.submittedAt(), now));
            } else if (providerEvent
                    && r.status().precedence() > dispatchedRank
                    && message.statusRank() <= dispatchedRank
                    && evented.add(r.messageId())) {
                reached.add(new StageLatencies.Reached(StageLatencies.Stage.FIRST_EVENT, message.submittedAt(), now));
            }
        }
        return reached;
    }

    /** The {@code traceparent} stored with each locked message that has one: its activities' trace. */
    private static Map<UUID, String> traceParentsOf(Map<UUID, MessageStore.Locked> messages) {
        Map<UUID, String> traceParents = new HashMap<>(messages.size());
        messages.forEach((id, m) -> {
            if (m.traceParent() != null) {
                traceParents.put(id, m.traceParent());
            }
        });
        return traceParents;
    }

    /**
     * Each report's span starts in its email's trace, now that the lock told it (a webhook's report links to the
     * webhook's trace): {@link dev.mailroom.server.messaging.MessageTracing.Batch#ofEmail}.
     */
    private static void joinEmailTraces(List<ActivityReport> reports, Map<UUID, MessageStore.Locked> messages) {
        dev.mailroom.server.messaging.MessageTracing.Batch batch =
                dev.mailroom.server.messaging.MessageTracing.currentBatch();
        if (batch == null) {
            return;
        }
        for (ActivityReport r : reports) {
            MessageStore.Locked message = r.messageId() == null ? null : messages.get(r.messageId());
            if (message != null) {
                batch.ofEmail(r.id(), r.messageId(), message.traceParent());
            }
        }
    }

    /**
     * Raises each message's status, and for messages of several recipients each recipient's own: a recipient's
     * report raises that recipient, a report without one all of them. A SUPPRESSED recipient does not raise a
     * message of several: the message's status sums up the recipients that were sent to.
     */
    private void raiseStatuses(
            List<ActivityReport> recorded,
            Map<UUID, MessageStore.Locked> messages,
            List<MessageStore.Dispatch> dispatches,
            Instant now) {
        Map<UUID, MessageStatus> best = new HashMap<>();
        Map<List<Object>, MessageStatus> bestPerRecipient = new HashMap<>();
        for (ActivityReport r : recorded) {
            if (r.messageId() == null) {
                continue;
            }
            MessageStore.Locked message = messages.get(r.messageId());
            if (message != null && message.several()) {
                String email = r.recipient() == null ? null : Address.normalize(r.recipient());
                bestPerRecipient.merge(
                        java.util.Arrays.asList(r.messageId(), email), r.status(), (a, b) -> b.outranks(a) ? b : a);
                if (r.status() == MessageStatus.SUPPRESSED) {
                    continue;
                }
            }
            raise(best, r.messageId(), r.status());
        }
        store.raiseStatuses(best, dispatches, messages, now);
        List<MessageStore.RecipientRaise> raises = new ArrayList<>();
        bestPerRecipient.forEach((key, status) ->
                raises.add(new MessageStore.RecipientRaise((UUID) key.get(0), (String) key.get(1), status)));
        store.raiseRecipients(raises);
    }

    /**
     * Fills in our message id for events that carry only the provider's id, where we know it: from
     * a dispatch recorded earlier, or from a dispatch report in this same batch.
     */
    private List<ActivityReport> matchToMessages(List<ActivityReport> batch, List<MessageStore.Dispatch> dispatches) {
        List<String> unknown = batch.stream()
                .filter(r -> r.messageId() == null && r.providerMessageId() != null)
                .map(ActivityReport::providerMessageId)
                .distinct()
                .toList();
        if (unknown.isEmpty()) {
            return batch;
        }
        // By provider and its id: another provider's id that happens to be the same string names nothing of ours.
        Map<String, UUID> matches = new HashMap<>(store.messagesByProviderId(unknown));
        dispatches.forEach(
                d -> matches.put(MessageStore.providerKey(d.provider(), d.providerMessageId()), d.messageId()));
        return batch.stream()
                .map(r -> {
                    UUID match = r.messageId() != null
                            ? null
                            : matches.get(MessageStore.providerKey(r.provider(), r.providerMessageId()));
                    return match == null ? r : r.withMessageId(match);
                })
                .toList();
    }

    /**
     * A dispatcher's DEFERRED: schedules the next attempt (and says when in the timeline), or
     * gives up with FAILED once the attempts or the age limit are used up.
     */
    private List<ActivityReport> planRetry(ActivityReport deferred, Instant now) {
        int attempt = deferred.attempt();
        Object reason = deferred.details().getOrDefault("reason", "the provider kept deferring");
        boolean tooOld = store.submittedAt(deferred.messageId())
                .map(at -> at.plus(retries.maxAge()).isBefore(now))
                .orElse(false);
        if (retries.mayRetry(attempt) && !tooOld) {
            Instant next = retries.nextAttemptAt(attempt, now, deferred.retryAt());
            store.scheduleRetry(deferred.messageId(), attempt, next);
            Map<String, Object> details = new HashMap<>(deferred.details());
            details.put("nextAttemptAt", next.toString());
            return List.of(deferred.withDetails(details));
        }
        String why = tooOld
                ? "gave up after " + attempt + " attempts, the message is older than " + retries.maxAge()
                : "gave up after " + attempt + " attempts";
        ActivityReport failed = ActivityReport.pipeline(
                deferred.messageId(),
                MessageStatus.FAILED,
                attempt,
                now,
                Map.of("reason", why + ": " + reason, "attempts", attempt));
        if (deferred.recipient() != null) {
            // One recipient's deferrals: it alone failed; the others of the message went out.
            failed = failed.toBuilder()
                    .id(Ids.of(
                            "recipient-failed",
                            deferred.messageId().toString(),
                            String.valueOf(attempt),
                            Address.normalize(deferred.recipient())))
                    .recipient(deferred.recipient())
                    .build();
        }
        return List.of(deferred, failed);
    }

    private static void raise(Map<UUID, MessageStatus> best, UUID messageId, MessageStatus status) {
        best.merge(messageId, status, (a, b) -> b.outranks(a) ? b : a);
    }
}
