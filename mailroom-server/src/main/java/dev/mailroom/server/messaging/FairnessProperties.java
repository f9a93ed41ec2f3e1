package dev.mailroom.server.messaging;

import dev.mailroom.contracts.BulkRate;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Fairness between organizations: the bulk lanes.
 *
 * @param bulkAbove an organization's emails per second (as one process sees them) above which its further emails
 *                  take the bulk lanes; its occasional ones, and every other organization's, keep the prompt
 *                  lanes. 0 puts everything on the prompt lanes (one queue per stage, as before lanes).
 */
@ConfigurationProperties("mailroom.fairness")
public record FairnessProperties(
        @DefaultValue("" + BulkRate.DEFAULT_BULK_ABOVE) int bulkAbove) {
    public FairnessProperties {
        if (bulkAbove < 0) {
            throw new IllegalArgumentException("mailroom.fairness.bulk-above must be 0 or more");
        }
    }
}
