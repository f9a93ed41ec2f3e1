package dev.mailroom.server;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How much input Mailroom takes (see the README's configuration table). Shared by the API, which
 * refuses beyond these, and the operator, which must not refuse what the API accepted.
 *
 * @param maxRequestBody    the largest body of an API request (declared or chunked); above
 *                          {@code EmailRules.MAX_CONTENT_BYTES} once base64 and JSON overhead are
 *                          added. Webhooks have their own limit ({@code mailroom.webhooks.max-body-bytes}).
 * @param maxScheduleAhead  how far ahead {@code sendAt} may be
 * @param maxBatchBody      the largest body of {@code POST /api/v1/messages/batch} (up to 500 emails in
 *                          one request), declared or chunked; 413 beyond it. Larger than one message's
 *                          limit so that a batch of ordinary emails fits, small enough that a batch is
 *                          never more than a few times one large email in memory
 */
@ConfigurationProperties("mailroom.limits")
public record InputLimits(
        @DefaultValue("15MB") DataSize maxRequestBody,
        @DefaultValue("P365D") Duration maxScheduleAhead,
        @DefaultValue("25MB") DataSize maxBatchBody) {

    public InputLimits {
        if (maxRequestBody.toBytes() <= 0) {
            throw new IllegalArgumentException("mailroom.limits.max-request-body must be positive");
        }
        if (maxBatchBody.toBytes() <= 0) {
            throw new IllegalArgumentException("mailroom.limits.max-batch-body must be positive");
        }
        if (maxScheduleAhead.isNegative()) {
            throw new IllegalArgumentException("mailroom.limits.max-schedule-ahead must not be negative");
        }
    }
}
