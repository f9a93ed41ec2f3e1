package dev.mailroom.client;

import dev.mailroom.contracts.Violation;
import java.util.List;
import java.util.UUID;

/**
 * The answer to a batch submitted over REST: one result per email, in the batch's order. Valid emails are accepted
 * even when others are refused, so check each {@link Item}.
 */
public record BatchResult(List<Item> results, int accepted, int rejected) {
    public BatchResult {
        results = results == null ? List.of() : List.copyOf(results);
    }

    /**
     * @param index         the email's place in the batch, from 0
     * @param status        202 when accepted; else the item's own status (422, 400, 429)
     * @param id            the email's id (accepted items)
     * @param messageStatus the email's status when accepted ({@code SUBMITTED}, or its current one on a replay)
     * @param replayed      true when the Idempotency-Key named it already and nothing was sent again
     * @param errors        the fields at fault, relative to the item (refused items)
     */
    public record Item(
            int index,
            int status,
            UUID id,
            String messageStatus,
            Boolean replayed,
            String title,
            String detail,
            List<Violation> errors) {
        public boolean isAccepted() {
            return status == 202;
        }
    }

    /** The ids of the accepted emails in batch order; null where an email was refused. */
    public List<UUID> ids() {
        return results.stream().map(Item::id).toList();
    }
}
