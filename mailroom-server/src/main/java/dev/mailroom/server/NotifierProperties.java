package dev.mailroom.server;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The settings of webhooks to the organizations' own endpoints ({@code mailroom.notifier.*}): where an endpoint may
 * point (checked when one is registered, by {@code accounts}, and again by the notifier when it connects), and how
 * the notifier delivers.
 *
 * @param allowHttp              {@code http} endpoint URLs are accepted too. Off in production: an endpoint is an
 *                               {@code https} URL of a public host, so that no organization can make Mailroom call
 *                               into the network it runs in (SSRF); tests and local development turn both on
 * @param allowPrivateAddresses  hosts that are loopback, private, link-local or otherwise internal addresses (and
 *                               single-label names such as {@code localhost}) are accepted too
 * @param maxInFlightPerEndpoint attempts to one endpoint under way at once, in this process: one slow endpoint takes
 *                               no more than this of the notifier
 * @param retrySchedule          the wait before each retry of a failed delivery; each wait is drawn at random
 *                               between half of its step and the whole step (jitter), and after the last step the
 *                               delivery is {@code failed}. The default spans more than 24 hours even at the
 *                               shortest draws.
 * @param disableAfter           an endpoint without a successful attempt for this long ...
 * @param disableAfterFailures   ... and with at least this many failed attempts in a row is disabled
 * @param fastPathWait           how long a queue batch waits for its attempts: those still running are recorded
 *                               pending and finish on their own, so one slow endpoint does not hold the batch
 * @param connectTimeout         connecting to an endpoint
 * @param attemptTimeout         one attempt at most (the answer included)
 * @param retryInterval          how often due retries are looked for
 * @param retryBatchSize         due deliveries taken at once by one notifier
 * @param batchSize              queue messages per batch; each carries up to 500 notifications (the operator's
 *                               batches), and twice this many are prefetched per consumer: a few keep the notifier
 *                               busy without holding a backlog in its heap
 * @param consumers              queue consumers of this process
 */
@ConfigurationProperties("mailroom.notifier")
public record NotifierProperties(
        @DefaultValue("false") boolean allowHttp,
        @DefaultValue("false") boolean allowPrivateAddresses,
        @DefaultValue("16") int maxInFlightPerEndpoint,

        @DefaultValue({"PT5S", "PT5M", "PT30M", "PT2H", "PT5H", "PT10H", "PT10H", "PT10H", "PT12H"})
        List<Duration> retrySchedule,

        @DefaultValue("P5D") Duration disableAfter,
        @DefaultValue("20") int disableAfterFailures,
        @DefaultValue("PT2S") Duration fastPathWait,
        @DefaultValue("PT5S") Duration connectTimeout,
        @DefaultValue("PT15S") Duration attemptTimeout,
        @DefaultValue("PT1S") Duration retryInterval,
        @DefaultValue("200") int retryBatchSize,
        @DefaultValue("4") int batchSize,
        @DefaultValue("2") int consumers) {

    public NotifierProperties {
        retrySchedule = List.copyOf(retrySchedule);
        if (maxInFlightPerEndpoint < 1) {
            throw new IllegalArgumentException("mailroom.notifier.max-in-flight-per-endpoint must be at least 1");
        }
        if (retrySchedule.isEmpty() || retrySchedule.stream().anyMatch(d -> d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException("mailroom.notifier.retry-schedule needs positive durations");
        }
        if (disableAfterFailures < 1 || batchSize < 1 || consumers < 1 || retryBatchSize < 1) {
            throw new IllegalArgumentException(
                    "mailroom.notifier.{disable-after-failures,batch-size,consumers,retry-batch-size} must be at least 1");
        }
    }

    /** Where endpoints may point. */
    public WebhookTargets.Rules targets() {
        return new WebhookTargets.Rules(allowHttp, allowPrivateAddresses);
    }
}
