package dev.mailroom.server.operator;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.CancelMessage;
import dev.mailroom.contracts.DispatchCommand;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.LogSafe;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.messaging.Lane;
import dev.mailroom.server.messaging.Lanes;
import dev.mailroom.server.messaging.MessageTracing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes a batch of submissions from the mailbox through three steps:
 * <ol>
 *   <li>record: one transaction stores the messages, recipients and ACCEPTED;</li>
 *   <li>hand over: publish a dispatch command per message and wait for the broker's confirms;</li>
 *   <li>record QUEUED.</li>
 * </ol>
 * The caller acknowledges the mailbox messages only after this returns. A crash anywhere
 * redelivers the batch: step 1 then changes nothing, and step 2 is repeated only for messages
 * still at ACCEPTED, so a message that reached QUEUED is not dispatched twice.
 *
 * <p>A submission the database refuses in step 1 is found ({@link Isolation}) and handed to the
 * caller to dead-letter, before anything is published; the others go on through steps 2 and 3 in the
 * same pass, so the batch is not redelivered and nothing is published twice because of it. Step
 * 3 writes only ids, attempt numbers and the time, nothing a submission chose: a failure there is
 * not one message's, and gives the batch back as before.
 */
@Service
@ConditionalOnRole(Role.OPERATOR)
class MessageIntake {
    private static final Logger log = LoggerFactory.getLogger(MessageIntake.class);
    private final MessageStore store;
    private final SendLimitHolds limits;
    private final SuppressionCheck suppressions;
    /** What this operator queued per organization, for the dispatching lane. */
    private final Lanes.Rates rates;

    private final ConfirmedPublisher publisher;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final NotificationFeed feed;
    private final Counter accepted;
    private final Counter queued;
    private final Counter idempotencyConflicts;
    private final UnsubscribeLinks unsubscribeLinks;
    private final StageLatencies stages;

    MessageIntake(
            MessageStore store,
            SendLimitHolds limits,
            SuppressionCheck suppressions,
            ConfirmedPublisher publisher,
            TransactionTemplate tx,
            Clock clock,
            MeterRegistry meters,
            Lanes lanes,
            UnsubscribeLinks unsubscribeLinks,
            NotificationFeed feed,
            StageLatencies stages) {
        this.stages = stages;
        this.unsubscribeLinks = unsubscribeLinks;
        this.feed = feed;
        this.rates = lanes.rates();
        this.accepted = meters.counter("mailroom.operator.accepted");
        this.queued = meters.counter("mailroom.operator.queued");
        this.idempotencyConflicts = meters.counter("mailroom.operator.idempotency.conflicts");
        this.store = store;
        this.limits = limits;
        this.suppressions = suppressions;
        this.publisher = publisher;
        this.tx = tx;
        this.clock = clock;
    }

    void accept(List<SubmitMessage> batch, BiConsumer<SubmitMessage, RuntimeException> refused) {
        accept(batch, Set.of(), Lane.PROMPT, refused);
    }

    /**
     * @param countedByApi the submissions Mailroom's API counted against their send limits already (it refuses,
     *     429, what is over): the others are counted here, and those over a limit are held
     * @param lane the mailbox lane the batch came on: the bulk lane's go on to the bulk dispatching lane, the
     *     prompt lane's too when their organization sends above its fair rate ({@link Lanes})
     */
    void accept(
            List<SubmitMessage> batch,
            Set<UUID> countedByApi,
            Lane lane,
            BiConsumer<SubmitMessage, RuntimeException> refused) {
        if (batch.isEmpty()) {
            return;
        }
        // The same id twice in one batch (a client retry) is one message; twice with two request hashes it
        // is two bodies sent with one Idempotency-Key, and the first one in the batch is the one kept.
        Map<UUID, SubmitMessage> byId = new LinkedHashMap<>();
        List<SubmitMessage> conflicts = new ArrayList<>();
        for (SubmitMessage s : batch) {
            SubmitMessage first = byId.putIfAbsent(s.id(), s);
            if (first != null && !Objects.equals(first.requestHash(), s.requestHash())) {
                conflicts.add(s);
            }
        }
        Instant now = clock.instant();
        Map<UUID, SendLimitHolds.Hold> holds = holdsOverLimit(byId.values(), countedByApi);

        Map<UUID, MessageStatus> statuses = new HashMap<>();
        Map<UUID, dev.mailroom.contracts.Email> toSend = new HashMap<>();
        List<ActivityReport> recordedActivities = new ArrayList<>();
        Isolation.run(
                List.copyOf(byId.values()),
                part -> {
                    Recorded recorded = tx.execute(status -> {
                        MessageStore.KeyClaims claims = store.claimIdempotencyKeys(part, now);
                        List<ActivityReport> activities = store.insertSubmissions(claims.toRecord(), holds, now);
                        // Only what this transaction recorded is dispatched by it: a duplicate of a keyed
                        // message is dispatched by the intake that recorded it (or the releaser).
                        Map<UUID, MessageStatus> recordedStatuses = store.statusesOf(claims.toRecord().stream()
                                .map(SubmitMessage::id)
                                .toList());
                        // The suppression lists, before anything is queued (a redelivered batch looks again).
                        SuppressionCheck.Outcome checked = suppressions.apply(
                                claims.toRecord().stream()
                                        .filter(s -> recordedStatuses.get(s.id()) == MessageStatus.ACCEPTED)
                                        .map(s -> new SuppressionCheck.Candidate(
                                                s.id(), s.organizationId(), s.email(), 1))
                                        .toList(),
                                now);
                        List<ActivityReport> all = new ArrayList<>(activities);
                        all.addAll(checked.activities());
                        return new Recorded(recordedStatuses, claims.conflicts(), checked.toSend(), all);
                    });
                    statuses.putAll(recorded.statuses());
                    toSend.putAll(recorded.toSend());
                    recordedActivities.addAll(recorded.activities());
                    conflicts.addAll(recorded.conflicts());
                },
                refused);
        conflicts.forEach(s -> {
            MessageTracing.Batch traces = MessageTracing.currentBatch();
            if (traces == null) {
                reportConflict(s);
            } else {
                traces.handling(s.id(), () -> reportConflict(s));
            }
        });
        accepted.increment(statuses.size());
        Instant recordedAt = clock.instant();
        for (SubmitMessage s : byId.values()) {
            MessageStatus status = statuses.get(s.id());
            if (status == MessageStatus.ACCEPTED || status == MessageStatus.SCHEDULED) {
                stages.record(StageLatencies.Stage.ACCEPTED, s.submittedAt(), recordedAt);
            }
        }
        feed.activitiesRecorded(recordedActivities);

        List<DispatchCommand> commands = new ArrayList<>();
        Map<UUID, Integer> attempts = new HashMap<>();
        Set<UUID> several = new java.util.HashSet<>();
        for (SubmitMessage s : byId.values()) {
            dev.mailroom.contracts.Email email = toSend.get(s.id());
            if (statuses.get(s.id()) == MessageStatus.ACCEPTED && email != null) {
                commands.add(new DispatchCommand(s.id(), s.organizationId(), 1, s.provider(), email));
                attempts.put(s.id(), 1);
                if (s.email().allRecipients().size() > 1) {
                    several.add(s.id());
                }
            }
        }
        if (commands.isEmpty()) {
            return;
        }
        // QUEUED happened when the commands were handed over, not when we got round to writing it:
        // a dispatcher may have sent (and reported) before this batch's confirms all arrived.
        Instant queuedAt = clock.instant();
        publishOnLanes(commands, lane);
        queued.increment(commands.size());
        // The commands are out: failing now would redeliver the batch and send these emails twice,
        // so a database that is away (deadlock, lost connection, outage) is waited out right here.
        OperatorFailures.pauseOnFailure(() -> recordQueued(attempts, several, queuedAt));
    }

    /**
     * Publishes dispatch commands: on the bulk lane when they came on it, else per organization by its rate
     * as this operator queues it. Also the releaser's way to queue.
     */
    void publishOnLanes(List<DispatchCommand> built, Lane lane) {
        // Every command goes out here (intake and releaser): a bulk email's gets its unsubscribe link.
        List<DispatchCommand> commands =
                built.stream().map(unsubscribeLinks::withLink).toList();
        if (lane == Lane.BULK) {
            publisher.publishAll(commands, Lane.BULK);
            return;
        }
        Map<String, List<DispatchCommand>> byOrganization = new LinkedHashMap<>();
        commands.forEach(c -> byOrganization
                .computeIfAbsent(String.valueOf(c.organizationId()), o -> new ArrayList<>())
                .add(c));
        List<DispatchCommand> prompt = new ArrayList<>();
        List<DispatchCommand> bulk = new ArrayList<>();
        byOrganization.forEach(
                (org, list) -> (rates.laneFor(org, list.size()) == Lane.BULK ? bulk : prompt).addAll(list));
        // Prompt first: they are the ones someone waits for.
        if (!prompt.isEmpty()) {
            publisher.publishAll(prompt, Lane.PROMPT);
        }
        if (!bulk.isEmpty()) {
            publisher.publishAll(bulk, Lane.BULK);
        }
    }

    /** Counts what the API did not, for the organizations that have limits; the holds of those over them. */
    private Map<UUID, SendLimitHolds.Hold> holdsOverLimit(
            Collection<SubmitMessage> submissions, Set<UUID> countedByApi) {
        List<SubmitMessage> uncounted =
                submissions.stream().filter(s -> !countedByApi.contains(s.id())).toList();
        if (uncounted.isEmpty()
                || !limits.anyLimited(
                        uncounted.stream().map(SubmitMessage::organizationId).toList())) {
            return Map.of();
        }
        Set<UUID> known = store.statusesOf(
                        uncounted.stream().map(SubmitMessage::id).toList())
                .keySet();
        return limits.holdsFor(uncounted, known);
    }

    private record Recorded(
            Map<UUID, MessageStatus> statuses,
            List<SubmitMessage> conflicts,
            Map<UUID, dev.mailroom.contracts.Email> toSend,
            List<ActivityReport> activities) {}

    /**
     * Two different requests were sent with one Idempotency-Key before the operator recorded either (the
     * API answers 409 only once a key's row is there): the first recorded stays, this one is not recorded
     * and not sent. Its sender was answered 202 with the kept message's id; this log line and the metric
     * are how anyone learns of it.
     */
    private void reportConflict(SubmitMessage s) {
        idempotencyConflicts.increment();
        log.warn(
                "Submission for message {} (organization {}) not recorded: its Idempotency-Key '{}' names that"
                        + " message with another body (request hash {} differs from the one recorded)",
                s.id(),
                LogSafe.escape(s.organizationId()),
                LogSafe.escape(s.idempotencyKey()),
                LogSafe.escape(s.requestHash()));
    }

    /**
     * Cancels scheduled messages; a cancel for a message already released changes nothing. A
     * cancel the database refuses is handed to {@code refused}; the others are carried out.
     */
    void cancel(List<CancelMessage> cancels, BiConsumer<CancelMessage, RuntimeException> refused) {
        Instant now = clock.instant();
        List<ActivityReport> canceled = new ArrayList<>();
        Isolation.run(
                cancels,
                part -> {
                    // Only what a committed transaction recorded: a part rolled back (and halved) adds nothing.
                    List<ActivityReport> committed = new ArrayList<>();
                    tx.executeWithoutResult(status -> {
                        committed.clear();
                        for (CancelMessage c : part) {
                            if (store.cancelScheduled(c.messageId(), c.organizationId(), now)) {
                                ActivityReport entry =
                                        ActivityReport.pipeline(c.messageId(), MessageStatus.CANCELED, 0, now, null);
                                store.insertActivities(List.of(entry), now);
                                committed.add(entry);
                            } else {
                                MessageTracing.Batch traces = MessageTracing.currentBatch();
                                Runnable ignored = () -> log.info(
                                        "Cancel of message {} ignored: it is not (or no longer) scheduled",
                                        c.messageId());
                                if (traces == null) {
                                    ignored.run();
                                } else {
                                    traces.handling(c.messageId(), ignored);
                                }
                            }
                        }
                    });
                    canceled.addAll(committed);
                },
                refused);
        // Committed, not yet acknowledged: a failure here gives the batch back, and the cancel, done, is not
        // notified again (the message is CANCELED already): notified once here, or logged.
        try {
            feed.activitiesRecorded(canceled);
        } catch (RuntimeException e) {
            log.warn("{} cancel(s) recorded but not notified to webhook endpoints: {}", canceled.size(), e.toString());
        }
    }

    /** After the broker confirmed the dispatch commands: QUEUED in the timeline and the status. */
    /** @param several the messages of several recipients, whose recipients' own statuses go to QUEUED too */
    void recordQueued(Map<UUID, Integer> attempts, Collection<UUID> several, Instant now) {
        List<ActivityReport> recorded = new ArrayList<>();
        tx.executeWithoutResult(status -> {
            recorded.clear();
            Map<UUID, OverviewRollup.Counted> locked = store.lockMessages(attempts.keySet());
            List<ActivityReport> queued = new ArrayList<>();
            attempts.forEach((id, attempt) -> queued.add(
                    ActivityReport.pipeline(id, MessageStatus.QUEUED, attempt, now, Map.of("attempt", attempt))));
            store.insertActivities(queued, now);
            store.markQueued(attempts, several, locked, now);
            recorded.addAll(queued);
        });
        // QUEUED is recorded: a redelivery would not record (or notify) it again, so failing here would only
        // disturb the caller (intake, releaser) for nothing; the notification is lost, and said so.
        try {
            feed.activitiesRecorded(recorded);
        } catch (RuntimeException e) {
            log.warn(
                    "QUEUED of {} message(s) recorded but not notified to webhook endpoints: {}",
                    attempts.size(),
                    e.toString());
        }
    }
}
