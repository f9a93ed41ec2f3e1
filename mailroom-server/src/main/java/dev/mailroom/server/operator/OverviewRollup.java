package dev.mailroom.server.operator;

import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.OutcomeStatuses;
import dev.mailroom.server.UtcDay;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Keeps the overview's counts ({@code overview_counts}, V21): how many of an organization's emails, stored on a UTC
 * day, are at each status. Each email counts once, under its message's status, on the UTC day of its
 * {@code created_at}.
 *
 * <p>Only ever inserts: a transaction that stores emails or changes statuses adds, just before it commits, one row per
 * (organization, day, status) it touched, +n for the emails that reached the status and -n for those that left it. A
 * counter row per (organization, day, status) would be a hot row: every operator storing an organization's emails on
 * a day would update it and queue on its lock for the rest of its transaction. Inserting takes no lock another writer
 * waits for, and costs a few rows per batch, not per email. {@link OverviewCompaction} folds the rows later.
 *
 * <p>Idempotent because callers report only what their own statements changed: an email their INSERT stored (its
 * row count), a status their UPDATE raised, judged from the row they hold locked (so the UPDATE changes exactly the
 * rows they report). A redelivered submission or report stores and raises nothing, so it counts nothing.
 *
 * <p>Seeing every status change, it also has {@link MessageOutcomes} keep the rows of the emails that reach or leave
 * one of {@link OutcomeStatuses}, at the same moment: just before the transaction commits.
 */
final class OverviewRollup {
    private static final String INSERT =
            "INSERT INTO overview_counts (organization_id, created_on, status, delta) VALUES (?,?,?,?)";

    private final JdbcTemplate jdbc;
    private final MessageOutcomes outcomes;

    OverviewRollup(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.outcomes = new MessageOutcomes(jdbc);
    }

    /**
     * What the overview needs of a message a transaction holds locked: its id, organization, when it was stored, and
     * its status (name and rank) before the transaction changes it.
     */
    record Counted(UUID messageId, String organizationId, Instant createdAt, String status, int statusRank) {}

    /**
     * {@code count} emails of an organization stored at {@code createdAt} at {@code status}, by an INSERT of the
     * messages {@code ids} (some of which may have been there already: {@code count} says how many were not).
     */
    void stored(String organizationId, Instant createdAt, MessageStatus status, long count, Collection<UUID> ids) {
        boolean outcome = OutcomeStatuses.kept(status);
        if (count != 0 || outcome) {
            record(pending -> {
                if (count != 0) {
                    pending.deltas.add(organizationId, createdAt, status.name(), count);
                }
                if (outcome) {
                    pending.stored.addAll(ids);
                }
            });
        }
    }

    /** A message went from the status it had (as locked) to {@code after}. */
    void changed(Counted before, MessageStatus after) {
        if (before.status().equals(after.name())) {
            return;
        }
        record(pending -> {
            pending.deltas
                    .add(before.organizationId(), before.createdAt(), before.status(), -1)
                    .add(before.organizationId(), before.createdAt(), after.name(), 1);
            if (OutcomeStatuses.kept(before.status()) || OutcomeStatuses.kept(after)) {
                pending.changed.add(before.messageId());
            }
        });
    }

    /**
     * Adds to the transaction's pending writes, written once just before it commits (a transaction that changes
     * hundreds of statuses in several statements writes one row per organization, day and status); written at once
     * outside a transaction. A transaction that rolls back writes none.
     */
    private void record(Consumer<PendingDeltas> change) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            PendingDeltas now = new PendingDeltas();
            change.accept(now);
            now.beforeCommit(false);
            return;
        }
        // Looked up among the transaction's synchronizations (not bound as a resource): a transaction started
        // inside this one suspends them, so it keeps deltas of its own.
        for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
            if (s instanceof PendingDeltas p) {
                change.accept(p);
                return;
            }
        }
        PendingDeltas pending = new PendingDeltas();
        TransactionSynchronizationManager.registerSynchronization(pending);
        change.accept(pending);
    }

    /** Inserts the non-zero deltas, in (organization, day, status) order. */
    private void write(Deltas deltas) {
        List<Object[]> rows = new ArrayList<>();
        deltas.sums.forEach((key, delta) -> {
            if (delta != 0) {
                rows.add(new Object[] {key.organizationId(), key.day(), key.status(), delta});
            }
        });
        if (!rows.isEmpty()) {
            jdbc.batchUpdate(INSERT, rows);
        }
    }

    private final class PendingDeltas implements TransactionSynchronization {
        private final Deltas deltas = new Deltas();
        // In id order, so that two transactions write the rows of the messages they share in one order.
        private final Set<UUID> changed = new TreeSet<>();
        private final Set<UUID> stored = new TreeSet<>();

        @Override
        public void beforeCommit(boolean readOnly) {
            write(deltas);
            outcomes.changed(changed);
            stored.removeAll(changed);
            outcomes.stored(stored);
        }
    }

    private record Key(String organizationId, LocalDate day, String status) implements Comparable<Key> {
        @Override
        public int compareTo(Key other) {
            int c = organizationId.compareTo(other.organizationId);
            if (c == 0) {
                c = day.compareTo(other.day);
            }
            return c != 0 ? c : status.compareTo(other.status);
        }
    }

    /** Deltas summed per (organization, day, status). */
    private static final class Deltas {
        private final TreeMap<Key, Long> sums = new TreeMap<>();

        Deltas add(String organizationId, Instant createdAt, String status, long delta) {
            sums.merge(new Key(organizationId, UtcDay.of(createdAt), status), delta, Long::sum);
            return this;
        }
    }
}
