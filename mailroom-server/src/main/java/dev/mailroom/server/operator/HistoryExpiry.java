package dev.mailroom.server.operator;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.OverviewProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.UtcDay;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One retention run over every organization: its emails past its history retention go whole (with their recipients,
 * tags, content, timeline and idempotency key), then the content of its emails past its content retention, then the
 * members whose newest email went. Each batch is one short transaction that locks only the emails it deletes, in id
 * order, skipping those another transaction holds: the pipeline keeps running, several operators may run at once,
 * and a run that dies leaves whole batches done and the rest for the next run, which finds what is still past its
 * retention. Only emails the pipeline is done with are touched ({@link RetentionStore}).
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class HistoryExpiry {
    private static final Logger log = LoggerFactory.getLogger(HistoryExpiry.class);

    private final RetentionStore store;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final MeterRegistry meters;
    private final int batchSize;
    private final Duration maxRetryAge;
    /**
     * How far back content expiry may stay for an email it had to skip (the pipeline not done with it yet, or its lock
     * held at that moment): it starts its next run there, and so looks at it again, but never further back than this
     * before its cutoff. An email still in the pipeline longer than that after its content cutoff (scheduled far ahead)
     * keeps its content until its history goes; otherwise each run would read again every email since it.
     */
    private final Duration lookBack;

    HistoryExpiry(
            RetentionStore store,
            TransactionTemplate tx,
            Clock clock,
            MeterRegistry meters,
            RetentionProperties retention,
            MailroomProperties properties) {
        this.store = store;
        this.tx = tx;
        this.clock = clock;
        this.meters = meters;
        this.batchSize = retention.batchSize();
        this.maxRetryAge = properties.operator().maxRetryAge();
        this.lookBack = maxRetryAge.plus(Duration.ofDays(1)).plus(retention.interval());
    }

    /** Rows deleted per table by one run. */
    record Outcome(Map<String, Integer> deleted) {
        int of(String table) {
            return deleted.getOrDefault(table, 0);
        }
    }

    /** Runs retention for every organization until done, or until {@code goOn} says stop (between batches). */
    Outcome expireAll(BooleanSupplier goOn) {
        Map<String, Integer> total = new TreeMap<>();
        for (RetentionStore.Organization organization : store.organizations()) {
            if (!goOn.getAsBoolean()) {
                break;
            }
            Map<String, Integer> deleted = expire(organization, goOn);
            deleted.forEach((table, rows) -> total.merge(table, rows, Integer::sum));
            if (deleted.values().stream().anyMatch(rows -> rows > 0)) {
                log.info("Retention of organization {}: rows deleted {}", organization.id(), deleted);
            }
        }
        return new Outcome(total);
    }

    private Map<String, Integer> expire(RetentionStore.Organization organization, BooleanSupplier goOn) {
        Instant now = clock.instant();
        // A provider's deferral of an email submitted before this plans no retry: its content is needed no more.
        Instant retryHorizon = now.minus(maxRetryAge);
        Instant historyCutoff = now.minus(Duration.ofDays(organization.historyDays()));
        Instant contentCutoff = now.minus(Duration.ofDays(organization.contentDays()));
        Map<String, Integer> deleted = new TreeMap<>();
        expireEmails(organization.id(), historyCutoff, retryHorizon, goOn, deleted);
        expireContents(organization.id(), historyCutoff, contentCutoff, retryHorizon, now, goOn, deleted);
        expireMembers(organization.id(), historyCutoff, goOn, deleted);
        expireOverviewDays(organization.id(), historyCutoff, now, goOn, deleted);
        return deleted;
    }

    /**
     * The overview's counts of days that neither the overview may show ({@link OverviewProperties#MAX_DAYS}) nor the
     * history still holds: those days' counts would only grow the table and make the status list walk empty days.
     * A day on which any email of the organization is left (one the pipeline still needs, however old) keeps them. A
     * compaction folding such a day at the same moment may write its sum back; the next run takes it.
     */
    private void expireOverviewDays(
            String organization, Instant historyCutoff, Instant now, BooleanSupplier goOn, Map<String, Integer> total) {
        LocalDate overviewFirst = UtcDay.of(now).minusDays(OverviewProperties.MAX_DAYS - 1L);
        LocalDate historyFirst = UtcDay.of(historyCutoff);
        LocalDate before = overviewFirst.isBefore(historyFirst) ? overviewFirst : historyFirst;
        LocalDate after = null;
        while (goOn.getAsBoolean()) {
            List<LocalDate> days = store.countedDaysBefore(organization, before, after, batchSize);
            if (days.isEmpty()) {
                return;
            }
            List<LocalDate> empty = days.stream()
                    .filter(day -> !store.anyEmailStoredOn(organization, day))
                    .toList();
            if (!empty.isEmpty()) {
                count(Map.of("overview_counts", store.deleteCountsOf(organization, empty)), total);
            }
            after = days.get(days.size() - 1);
            if (days.size() < batchSize) {
                return;
            }
        }
    }

    private void expireEmails(
            String organization,
            Instant cutoff,
            Instant retryHorizon,
            BooleanSupplier goOn,
            Map<String, Integer> total) {
        RetentionStore.EmailKey after = null;
        while (goOn.getAsBoolean()) {
            List<RetentionStore.EmailKey> page =
                    store.emailsRecordedBefore(organization, null, cutoff, after, batchSize);
            if (page.isEmpty()) {
                return;
            }
            List<UUID> ids = page.stream().map(RetentionStore.EmailKey::id).toList();
            Map<String, Integer> deleted =
                    tx.execute(t -> store.deleteEmails(organization, store.lockDone(ids, cutoff, retryHorizon)));
            count(deleted, total);
            after = page.get(page.size() - 1);
            if (page.size() < batchSize) {
                return;
            }
        }
    }

    private void expireContents(
            String organization,
            Instant historyCutoff,
            Instant cutoff,
            Instant retryHorizon,
            Instant now,
            BooleanSupplier goOn,
            Map<String, Integer> total) {
        // Older emails went whole just now, or the pipeline still needs them (and their content).
        Instant from = store.contentExpiredBefore(organization)
                .filter(before -> before.isAfter(historyCutoff))
                .orElse(historyCutoff);
        Instant skipped = null;
        RetentionStore.EmailKey after = null;
        while (goOn.getAsBoolean()) {
            List<RetentionStore.EmailKey> page =
                    store.emailsRecordedBefore(organization, from, cutoff, after, batchSize);
            if (!page.isEmpty()) {
                List<UUID> ids = page.stream().map(RetentionStore.EmailKey::id).toList();
                int[] deleted = {0};
                Set<UUID> kept = new HashSet<>(tx.execute(t -> {
                    deleted[0] = store.deleteContents(store.lockDoneWithContent(ids, cutoff, retryHorizon));
                    return store.withContent(ids);
                }));
                count(Map.of("message_contents", deleted[0]), total);
                if (skipped == null) {
                    skipped = page.stream()
                            .filter(key -> kept.contains(key.id()))
                            .map(RetentionStore.EmailKey::createdAt)
                            .findFirst()
                            .orElse(null);
                }
                after = page.get(page.size() - 1);
            }
            if (page.size() < batchSize) {
                // Every email recorded before the cutoff was looked at: the next run starts here, or at the first one
                // skipped (within the look-back).
                Instant next = cutoff;
                if (skipped != null && skipped.isBefore(cutoff)) {
                    Instant floor = cutoff.minus(lookBack);
                    next = skipped.isAfter(floor) ? skipped : floor;
                }
                try {
                    store.contentExpiredBefore(organization, next, now);
                } catch (DataAccessException e) {
                    // Another operator moving it at the same moment: the next run only looks further back.
                    log.debug("Content expiry of {} not recorded: {}", organization, e.toString());
                }
                return;
            }
        }
    }

    private void expireMembers(String organization, Instant cutoff, BooleanSupplier goOn, Map<String, Integer> total) {
        RetentionStore.MemberKey after = null;
        while (goOn.getAsBoolean()) {
            List<RetentionStore.MemberKey> page = store.membersLastSentBefore(organization, cutoff, after, batchSize);
            if (page.isEmpty()) {
                return;
            }
            List<String> ids =
                    page.stream().map(RetentionStore.MemberKey::memberId).toList();
            count(tx.execute(t -> store.deleteMembers(organization, ids, cutoff)), total);
            after = page.get(page.size() - 1);
            if (page.size() < batchSize) {
                return;
            }
        }
    }

    private void count(Map<String, Integer> deleted, Map<String, Integer> total) {
        if (deleted == null) {
            return;
        }
        deleted.forEach((table, rows) -> {
            total.merge(table, rows, Integer::sum);
            if (rows > 0) {
                meters.counter("mailroom.operator.retention.deleted", "table", table)
                        .increment(rows);
            }
        });
    }
}
