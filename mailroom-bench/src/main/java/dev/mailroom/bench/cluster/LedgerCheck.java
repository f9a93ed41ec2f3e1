package dev.mailroom.bench.cluster;

import dev.mailroom.bench.cluster.LedgerRows.ActivityRow;
import dev.mailroom.bench.cluster.LedgerRows.MessageRow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The end-of-run ledger: given the ids whose submission the broker confirmed, the rows Mailroom
 * stored for them and the provider's count of accepted sends per id, says what was lost, what
 * was recorded twice and how many emails went out more than once. Pure logic over rows, so that it
 * can be tested on small fixtures; {@link LedgerQueries} loads the rows.
 *
 * <h2>What counts as the same fact recorded twice</h2>
 * Rows with the same primary key cannot exist (ids are deterministic, inserts are
 * {@code ON CONFLICT DO NOTHING}), so a duplicate is one fact stored under two different ids. The
 * facts, per message:
 * <ul>
 *   <li>{@code ACCEPTED}, {@code SCHEDULED}, {@code CANCELED}, {@code FAILED} recorded by the
 *       pipeline (no provider event): once per message, whatever the attempt;</li>
 *   <li>{@code QUEUED}, {@code DISPATCHED}, {@code DEFERRED} recorded by the pipeline: once per
 *       dispatch attempt (a retry is a new attempt, a redelivered command is not);</li>
 *   <li>a provider event ({@code DELIVERED}, {@code OPENED}, {@code CLICKED}, {@code BOUNCED}...):
 *       once per (status, recipient, provider message id, provider event name). Two sends of one
 *       email get two provider message ids, so the second send's DELIVERED is not a duplicate row:
 *       it is a duplicate send, counted as such (and as a repeated delivery). A real provider may
 *       report several opens of one email; the fake reports each kind once per send, so with it
 *       any second one is a duplicate.</li>
 * </ul>
 */
public final class LedgerCheck {
    /** Statuses after which nothing more happens to a message in these runs. */
    public static final Set<String> TERMINAL = Set.of(
            "DELIVERED",
            "OPENED",
            "CLICKED",
            "BOUNCED",
            "DROPPED",
            "COMPLAINED",
            "UNSUBSCRIBED",
            "FAILED",
            "SUPPRESSED",
            "CANCELED");

    public static final Set<String> DELIVERED_OR_LATER = Set.of("DELIVERED", "OPENED", "CLICKED");
    private static final Set<String> ONCE_PER_MESSAGE = Set.of("ACCEPTED", "SCHEDULED", "CANCELED", "FAILED");
    private static final Set<String> ONCE_PER_ATTEMPT = Set.of("QUEUED", "DISPATCHED", "DEFERRED");

    private LedgerCheck() {}

    /**
     * @param submitted      the ids whose submission was confirmed (and only those: an unconfirmed
     *                       submit was not accepted, so what became of it is not the ledger's concern)
     * @param messages       rows of {@code messages} for those ids (more than one per id would be a bug)
     * @param activities     rows of {@code activities} for those ids
     * @param sendsPerMessage the provider's accepted sends per {@code mailroom_id} (FakeSendGrid's count)
     */
    public static LedgerReport evaluate(
            Collection<UUID> submitted,
            List<MessageRow> messages,
            List<ActivityRow> activities,
            Map<String, Integer> sendsPerMessage) {
        Set<UUID> ids = new LinkedHashSet<>(submitted);
        Map<UUID, List<MessageRow>> rowsById = new HashMap<>();
        for (MessageRow m : messages) {
            if (ids.contains(m.id())) {
                rowsById.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(m);
            }
        }
        List<UUID> missing = new ArrayList<>();
        List<UUID> duplicatedMessageRows = new ArrayList<>();
        List<UUID> notTerminal = new ArrayList<>();
        Map<String, Long> statusCounts = new TreeMap<>();
        long delivered = 0;
        for (UUID id : ids) {
            List<MessageRow> rows = rowsById.get(id);
            if (rows == null) {
                missing.add(id);
                continue;
            }
            if (rows.size() > 1) {
                duplicatedMessageRows.add(id);
            }
            MessageRow row = rows.get(0);
            statusCounts.merge(row.status(), 1L, Long::sum);
            if (!TERMINAL.contains(row.status())) {
                notTerminal.add(id);
            }
            if (DELIVERED_OR_LATER.contains(row.status())) {
                delivered++;
            }
        }

        Map<UUID, Map<String, Integer>> facts = new HashMap<>();
        Map<String, Set<String>> deliveriesByRecipient = new HashMap<>();
        for (ActivityRow a : activities) {
            if (a.messageId() == null || !ids.contains(a.messageId())) {
                continue;
            }
            facts.computeIfAbsent(a.messageId(), k -> new HashMap<>()).merge(factOf(a), 1, Integer::sum);
            if ("DELIVERED".equals(a.status()) && a.providerEvent() != null) {
                deliveriesByRecipient
                        .computeIfAbsent(a.messageId() + " " + a.recipient(), k -> new HashSet<>())
                        .add(String.valueOf(a.providerMessageId()));
            }
        }
        List<LedgerReport.DuplicateFact> duplicates = new ArrayList<>();
        facts.forEach((messageId, counts) -> counts.forEach((fact, n) -> {
            if (n > 1) {
                duplicates.add(new LedgerReport.DuplicateFact(messageId, fact, n));
            }
        }));
        duplicates.sort(Comparator.comparing(LedgerReport.DuplicateFact::messageId)
                .thenComparing(LedgerReport.DuplicateFact::fact));
        long repeatedDeliveries = deliveriesByRecipient.values().stream()
                .mapToLong(p -> p.size() - 1L)
                .sum();

        long duplicateSends = 0;
        for (UUID id : ids) {
            Integer sends = sendsPerMessage.get(id.toString());
            if (sends != null && sends > 1) {
                duplicateSends += sends - 1;
            }
        }
        return new LedgerReport(
                ids.size(),
                rowsById.size(),
                missing,
                duplicatedMessageRows,
                notTerminal,
                statusCounts,
                delivered,
                duplicates,
                duplicateSends,
                repeatedDeliveries);
    }

    /** The fact an activity row states (see the class comment); rows of one message with equal facts are duplicates. */
    static String factOf(ActivityRow a) {
        if (a.providerEvent() != null) {
            return a.status() + " event '" + a.providerEvent() + "' for " + a.recipient() + " (provider id "
                    + a.providerMessageId() + ")";
        }
        if (ONCE_PER_MESSAGE.contains(a.status())) {
            return a.status();
        }
        if (ONCE_PER_ATTEMPT.contains(a.status())) {
            return a.status() + " of attempt " + a.attempt();
        }
        // Nothing else is recorded by the pipeline today; such a row is its own fact.
        return a.status() + " " + a.id();
    }
}
