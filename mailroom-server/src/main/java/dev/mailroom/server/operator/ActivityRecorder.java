package dev.mailroom.server.operator;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.MessageStatus;
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
    private final OperatorStore store;
    private final RetryPolicy retries;
    private final TransactionTemplate tx;
    private final Clock clock;

    ActivityRecorder(OperatorStore store, RetryPolicy retries, TransactionTemplate tx, Clock clock) {
        this.store = store;
        this.retries = retries;
        this.tx = tx;
        this.clock = clock;
    }

    void record(List<ActivityReport> batch) {
        tx.executeWithoutResult(status -> recordInTransaction(batch, clock.instant()));
    }

    private void recordInTransaction(List<ActivityReport> batch, Instant now) {
        List<ActivityReport> reports = matchToMessages(batch);
        store.lockMessages(reports.stream().map(ActivityReport::messageId).filter(java.util.Objects::nonNull).distinct().toList());
        List<ActivityReport> derived = new ArrayList<>();
        Map<UUID, MessageStatus> best = new HashMap<>();

        for (ActivityReport r : reports) {
            if (r.status() == MessageStatus.DISPATCHED && r.messageId() != null && r.providerMessageId() != null) {
                store.recordDispatch(r.messageId(), r.provider(), r.providerMessageId());
                store.adoptUnmatchedEvents(r.messageId(), r.providerMessageId())
                        .forEach(adopted -> raise(best, r.messageId(), adopted));
            }
            if (r.retryAt() != null && r.messageId() != null && r.attempt() != null) {
                derived.addAll(planRetry(r, now));
            }
        }
        List<ActivityReport> all = new ArrayList<>(reports);
        all.addAll(derived);
        store.insertActivities(all, now);
        for (ActivityReport r : all) {
            if (r.messageId() != null) {
                raise(best, r.messageId(), r.status());
            }
        }
        store.raiseStatuses(best, now);
    }

    /** Fills in our message id for events that carry only the provider's id, where we know it. */
    private List<ActivityReport> matchToMessages(List<ActivityReport> batch) {
        List<String> unknown = batch.stream().filter(r -> r.messageId() == null && r.providerMessageId() != null)
                .map(ActivityReport::providerMessageId).distinct().toList();
        if (unknown.isEmpty()) {
            return batch;
        }
        Map<String, UUID> matches = store.messagesByProviderId(unknown);
        return batch.stream().map(r -> r.messageId() != null || !matches.containsKey(r.providerMessageId()) ? r
                : new ActivityReport(r.id(), matches.get(r.providerMessageId()), r.providerMessageId(), r.provider(), r.status(),
                        r.occurredAt(), r.recipient(), r.providerEvent(), r.details(), r.attempt(), r.retryAt())).toList();
    }

    private List<ActivityReport> planRetry(ActivityReport deferred, Instant now) {
        int attempt = deferred.attempt();
        if (retries.mayRetry(attempt)) {
            store.scheduleRetry(deferred.messageId(), attempt, retries.nextAttemptAt(attempt, now, deferred.retryAt()));
            return List.of();
        }
        Object reason = deferred.details().getOrDefault("reason", "the provider kept deferring");
        return List.of(OperatorStore.pipelineActivity(deferred.messageId(), MessageStatus.FAILED, attempt, now,
                Map.of("reason", "gave up after " + attempt + " attempts: " + reason, "attempts", attempt)));
    }

    private static void raise(Map<UUID, MessageStatus> best, UUID messageId, MessageStatus status) {
        best.merge(messageId, status, (a, b) -> b.outranks(a) ? b : a);
    }
}
