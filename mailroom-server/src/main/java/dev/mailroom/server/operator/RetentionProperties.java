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
 * @param maxShare  the largest share of a run's time spent deleting (0.01-1): between batches the run waits so that
 *                  its batches took at most this share of its time. 1 deletes at full speed; lower spares the pipeline
 *                  the database time a large expiry takes, and stretches that expiry over more time. Over a day,
 *                  retention must delete as many emails as arrive: each operator's share of time times its deletion
 *                  rate at full speed (logged after each run) must stay above the rate emails arrive
 */
@ConfigurationProperties("mailroom.retention")
public record RetentionProperties(
        @DefaultValue("PT10M") Duration interval,
        @DefaultValue("500") int batchSize,
        @DefaultValue("0.5") double maxShare) {
    public RetentionProperties {
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("mailroom.retention.interval must be a positive duration");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("mailroom.retention.batch-size must be between 1 and 10000");
        }
        if (!(maxShare >= 0.01 && maxShare <= 1)) {
            throw new IllegalArgumentException("mailroom.retention.max-share must be between 0.01 and 1");
        }
    }
}
