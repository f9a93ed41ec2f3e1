package dev.mailroom.server.operator;

import dev.mailroom.contracts.ActivityReport;
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
    private final RetryPolicy retries;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final MeterRegistry meters;

    ActivityRecorder(
            MessageStore store, RetryPolicy retries, TransactionTemplate tx, Clock clock, MeterRegistry meters) {
        this.meters = meters;
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
     * Records at most {@link #MAX_REPORTS_PER_TRANSACTION} reports in one transaction: all or none.
     *
     * @return the reports recorded, matched to their messages where known (with the FAILED of retries used up)
     */
    List<ActivityReport> recordTogether(List<ActivityReport> reports) {
        return tx.execute(status -> recordInTransaction(reports, clock.instant()));
    }

    private List<ActivityReport> recordInTransaction(List<ActivityReport> batch, Instant now) {
        List<MessageStore.Dispatch> dispatches = batch.stream()
                .filter(r -> r.status() == MessageStatus.DISPATCHED
                        && r.messageId() != null
                        && r.providerMessageId() != null)
                .map(r -> new MessageStore.Dispatch(r.messageId(), r.provider(), r.providerMessageId()))
                .toList();
        List<ActivityReport> reports = matchToMessages(batch, dispatches);
        store.lockMessages(reports.stream()
                .map(ActivityReport::messageId)
                .filter(java.util.Objects::nonNull)
                .distinct()
                .toList());
        List<ActivityReport> all = new ArrayList<>(reports.size());
        Map<UUID, MessageStatus> best = new HashMap<>();

        if (!dispatches.isEmpty()) {
            store.adoptUnmatchedEvents(dispatches)
                    .forEach((messageId, statuses) -> statuses.forEach(s -> raise(best, messageId, s)));
        }
        for (ActivityReport r : reports) {
            if (r.retryAt() != null && r.messageId() != null && r.attempt() != null) {
                all.addAll(planRetry(r, now));
            } else {
                all.add(r);
            }
        }
        store.insertActivities(all, now);
        for (ActivityReport r : all) {
            if (r.messageId() != null) {
                raise(best, r.messageId(), r.status());
            }
        }
        store.raiseStatuses(best, dispatches, now);
        all.forEach(r -> meters.counter(
                        "mailroom.operator.activity.reports",
                        "status",
                        r.status().name())
                .increment());
        return all;
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
        return List.of(
                deferred,
                ActivityReport.pipeline(
                        deferred.messageId(),
                        MessageStatus.FAILED,
                        attempt,
                        now,
                        Map.of("reason", why + ": " + reason, "attempts", attempt)));
    }

    private static void raise(Map<UUID, MessageStatus> best, UUID messageId, MessageStatus status) {
        best.merge(messageId, status, (a, b) -> b.outranks(a) ? b : a);
    }
}
