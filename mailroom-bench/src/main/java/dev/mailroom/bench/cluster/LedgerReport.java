package dev.mailroom.bench.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What {@link LedgerCheck} found for one run.
 *
 * @param submitted             ids whose submission the broker confirmed
 * @param present               of those, how many have a row in {@code messages}
 * @param missing               confirmed but never recorded: lost
 * @param duplicatedMessageRows ids with more than one row in {@code messages}
 * @param notTerminal           recorded but not in a terminal status (stuck): lost too
 * @param statusCounts          final status → number of submitted messages
 * @param delivered             in DELIVERED, OPENED or CLICKED
 * @param duplicateFacts        facts stored more than once (see {@link LedgerCheck})
 * @param duplicateSends        accepted provider sends beyond the first, over the submitted ids
 * @param repeatedDeliveries    DELIVERED rows beyond the first per (message, recipient), each under
 *                              another provider message id: the database's view of duplicate sends
 */
public record LedgerReport(
        int submitted,
        int present,
        List<UUID> missing,
        List<UUID> duplicatedMessageRows,
        List<UUID> notTerminal,
        Map<String, Long> statusCounts,
        long delivered,
        List<DuplicateFact> duplicateFacts,
        long duplicateSends,
        long repeatedDeliveries) {

    /** One fact of one message stored in {@code rows} rows. */
    public record DuplicateFact(UUID messageId, String fact, int rows) {}

    /** Missing or stuck. */
    public int lost() {
        return missing.size() + notTerminal.size();
    }

    /** Rows beyond the first of each duplicated fact, plus extra message rows. */
    public long duplicateRows() {
        return duplicateFacts.stream().mapToLong(d -> d.rows() - 1L).sum() + duplicatedMessageRows.size();
    }

    /** Every id present once, in a terminal status, no fact recorded twice. */
    public boolean consistent() {
        return lost() == 0 && duplicateRows() == 0;
    }

    /** A few lines naming what is wrong (with example ids), empty when nothing is. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!missing.isEmpty()) {
            problems.add(missing.size() + " confirmed ids never recorded in messages, e.g. " + sample(missing));
        }
        if (!duplicatedMessageRows.isEmpty()) {
            problems.add(duplicatedMessageRows.size() + " ids with more than one messages row, e.g. "
                    + sample(duplicatedMessageRows));
        }
        if (!notTerminal.isEmpty()) {
            problems.add(notTerminal.size() + " messages not in a terminal status, e.g. " + sample(notTerminal));
        }
        for (DuplicateFact d : duplicateFacts.subList(0, Math.min(5, duplicateFacts.size()))) {
            problems.add("message " + d.messageId() + ": " + d.fact() + " recorded " + d.rows() + " times");
        }
        if (duplicateFacts.size() > 5) {
            problems.add("... and " + (duplicateFacts.size() - 5) + " more duplicated facts");
        }
        return problems;
    }

    private static String sample(List<UUID> ids) {
        return ids.subList(0, Math.min(3, ids.size())).toString();
    }
}
