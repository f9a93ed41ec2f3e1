package dev.mailroom.server.operator;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The operator's retention runs ({@code mailroom.retention.*}): deleting what is older than each organization's
 * retention (its settings: {@code PUT /api/v1/retention}).
 *
 * @param interval  how often each operator runs retention (also once at its start); a run goes through every
 *                  organization and stops when nothing more is past its retention. Several operators may run at once:
 *                  each batch locks only rows no one else holds
 * @param batchSize emails (or members) deleted per transaction: each transaction locks that many emails for a moment,
 *                  so a large expiry never holds back the pipeline's other emails for long
 */
@ConfigurationProperties("mailroom.retention")
public record RetentionProperties(
        @DefaultValue("PT10M") Duration interval,
        @DefaultValue("500") int batchSize) {
    public RetentionProperties {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("mailroom.retention.interval must be a positive duration");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("mailroom.retention.batch-size must be between 1 and 10000");
        }
    }
}
