package dev.mailroom.server;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The overview's counts ({@code mailroom.overview.*}; {@code GET /api/v1/overview}).
 *
 * @param compactionInterval how often an operator folds the rows of the overview's counts that the pipeline added
 *                           since, into one row per organization, day and status. Reads sum whatever rows there are,
 *                           so this changes only how many rows a read sums, never what it answers
 * @param compactionBatch    rows folded per transaction at most: each compaction transaction locks that many rows of
 *                           the table (which no pipeline transaction waits for) and stays short; at least 1,000, so that a
 *                           batch always holds rows to fold
 */
@ConfigurationProperties("mailroom.overview")
public record OverviewProperties(
        @DefaultValue("PT1M") Duration compactionInterval,
        @DefaultValue("10000") int compactionBatch) {
    /**
     * The most UTC days one overview shows ({@code days}, today included): retention keeps the counts of that many
     * days even where the organization's history is shorter.
     */
    public static final int MAX_DAYS = 400;

    public OverviewProperties {
        if (compactionInterval == null || compactionInterval.isNegative() || compactionInterval.isZero()) {
            throw new IllegalArgumentException("mailroom.overview.compaction-interval must be a positive duration");
        }
        if (compactionBatch < 1000 || compactionBatch > 100_000) {
            throw new IllegalArgumentException("mailroom.overview.compaction-batch must be between 1000 and 100000");
        }
    }
}
