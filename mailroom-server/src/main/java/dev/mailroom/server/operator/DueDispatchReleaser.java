package dev.mailroom.server.operator;

import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.Email;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.Lane;
import dev.mailroom.server.messaging.MessageTracing;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The operator owns time: scheduled sends and retries are rows with a due time, and this
 * releases the due ones to the dispatchers. Rows are locked with {@code FOR UPDATE SKIP LOCKED}
 * for the whole release, so several operators never release the same message, and a release
 * that fails (broker down) rolls back and is tried again on the next tick. A held email (it came over its
 * organization's send limit) is counted when it is released, and waits again if the limit is still reached.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class DueDispatchReleaser {
    private static final Logger log = LoggerFactory.getLogger(DueDispatchReleaser.class);
    private static final int BATCH = 200;

    private final MessageStore store;
    private final SendLimitHolds limits;
    private final SuppressionCheck suppressions;
    private final NotificationFeed feed;
    private final MessageIntake intake;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final MessageTracing tracing;

    DueDispatchReleaser(
            MessageStore store,
            SendLimitHolds limits,
            SuppressionCheck suppressions,
            NotificationFeed feed,
            MessageIntake intake,
            TransactionTemplate tx,
            Clock clock,
            MessageTracing tracing) {
        this.tracing = tracing;
        this.suppressions = suppressions;
        this.feed = feed;
        this.store = store;
        this.limits = limits;
        this.intake = intake;
        this.tx = tx;
        this.clock = clock;
    }

    void releaseDue() {
        try {
            int released;
            do {
                released = releaseBatch();
            } while (released == BATCH);
        } catch (RuntimeException e) {
            log.warn("Releasing due dispatches failed; will try again: {}", e.getMessage());
        }
    }

    private int releaseBatch() {
        // A scheduled send or a retry continues its email's trace from the traceparent stored with it.
        try (MessageTracing.Batch batch = tracing.batch("operator")) {
            return releaseBatch(batch);
        }
    }

    private int releaseBatch(MessageTracing.Batch batch) {
        List<dev.mailroom.contracts.ActivityReport> checked = new java.util.ArrayList<>();
        Integer count = tx.execute(status -> {
            checked.clear();
            Instant now = clock.instant();
            List<DueDispatch> locked = store.lockDue(now, BATCH);
            if (locked.isEmpty()) {
                return 0;
            }
            List<DueDispatch> due = stillWithinLimits(locked, now);
            if (due.isEmpty()) {
                return locked.size();
            }
            Map<UUID, Email> emails = new HashMap<>();
            due.forEach(d -> emails.put(
                    d.id(), ContractJson.read(d.contentJson().getBytes(StandardCharsets.UTF_8), Email.class)));
            // The suppression lists, before anything is queued; a retry goes only to the recipients not done with.
            SuppressionCheck.Outcome outcome = suppressions.apply(
                    due.stream()
                            .map(d -> new SuppressionCheck.Candidate(
                                    d.id(), d.organizationId(), emails.get(d.id()), d.nextAttempt()))
                            .toList(),
                    now);
            checked.addAll(outcome.activities());
            Map<UUID, Email> toSend = outcome.toSend();
            Map<UUID, Integer> attempts = new HashMap<>();
            Set<UUID> several = new HashSet<>();
            List<DispatchCommand> commands = due.stream()
                    .filter(d -> toSend.containsKey(d.id()))
                    .map(d -> {
                        attempts.put(d.id(), d.nextAttempt());
                        if (emails.get(d.id()).allRecipients().size() > 1) {
                            several.add(d.id());
                        }
                        return new DispatchCommand(
                                d.id(), d.organizationId(), d.nextAttempt(), d.requestedProvider(), toSend.get(d.id()));
                    })
                    .toList();
            if (commands.isEmpty()) {
                return locked.size();
            }
            due.forEach(d -> batch.resumed(d.id(), d.organizationId(), d.traceParent(), "release due dispatch"));
            Instant queuedAt = clock.instant();
            intake.publishOnLanes(commands, Lane.PROMPT);
            // Joins this transaction: the rows stay locked until QUEUED is recorded.
            intake.recordQueued(attempts, several, queuedAt);
            return locked.size();
        });
        // Committed: the SUPPRESSED (and FAILED) this release recorded go to the webhook endpoints.
        feed.activitiesRecorded(checked);
        return count == null ? 0 : count;
    }

    /**
     * The due messages that may go: all but the held ones (over their organization's send limit when they came)
     * that are still over it; those wait again, with every other held email of their organization that is due.
     */
    private List<DueDispatch> stillWithinLimits(List<DueDispatch> due, Instant now) {
        List<DueDispatch> held = due.stream().filter(DueDispatch::held).toList();
        if (held.isEmpty()) {
            return due;
        }
        Map<UUID, SendLimitHolds.Hold> holds = limits.holds(held, DueDispatch::organizationId, DueDispatch::id);
        if (holds.isEmpty()) {
            return due;
        }
        Map<String, Instant> holdAgain = new HashMap<>();
        held.stream()
                .filter(d -> holds.containsKey(d.id()))
                .forEach(
                        d -> holdAgain.put(d.organizationId(), holds.get(d.id()).until()));
        holdAgain.forEach((organization, until) -> store.holdAgain(organization, until, now));
        return due.stream().filter(d -> !holds.containsKey(d.id())).toList();
    }
}
