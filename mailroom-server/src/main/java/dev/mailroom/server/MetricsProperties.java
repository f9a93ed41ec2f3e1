package dev.mailroom.server;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How often the gauges that cost a query are sampled ({@code mailroom.metrics.*}). They are sampled on a schedule by
 * the process that owns what they measure, never per scrape: a Prometheus (or several) scraping often costs nothing
 * more than reading the last sample.
 *
 * @param queueSampleInterval    how often a process asks the broker for the depth of the queues it reports (one
 *                               passive declare per queue)
 * @param databaseSampleInterval how often the operator counts its backlog (scheduled sends, retries, unqueued
 *                               messages, open dead letters) and the notifier its pending deliveries: indexed COUNTs
 */
@ConfigurationProperties("mailroom.metrics")
public record MetricsProperties(
        @DefaultValue("PT5S") Duration queueSampleInterval,
        @DefaultValue("PT15S") Duration databaseSampleInterval) {

    public MetricsProperties {
        if (queueSampleInterval.isNegative() || queueSampleInterval.isZero()) {
            throw new IllegalArgumentException("mailroom.metrics.queue-sample-interval must be positive");
        }
        if (databaseSampleInterval.isNegative() || databaseSampleInterval.isZero()) {
            throw new IllegalArgumentException("mailroom.metrics.database-sample-interval must be positive");
        }
    }
}
