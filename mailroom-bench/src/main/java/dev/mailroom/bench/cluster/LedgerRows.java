package dev.mailroom.bench.cluster;

import java.util.UUID;

/** The rows of Mailroom's tables that the ledger check reads, reduced to what it needs. */
public final class LedgerRows {
    private LedgerRows() {}

    /** A row of {@code messages}. */
    public record MessageRow(UUID id, String status, int attempts) {}

    /**
     * A row of {@code activities}.
     *
     * @param providerEvent the provider's event name; null for the statuses the pipeline itself
     *                      records (ACCEPTED, QUEUED, and the dispatcher's DISPATCHED, DEFERRED, FAILED)
     * @param attempt       the dispatch attempt, from the row's details; null where there is none
     */
    public record ActivityRow(
            UUID id,
            UUID messageId,
            String status,
            String recipient,
            String providerMessageId,
            String providerEvent,
            Integer attempt) {}
}
