package dev.mailroom.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.bind.Name;

/**
 * Mailroom's own settings (see the README's configuration table). Provider settings live with
 * each provider's package.
 *
 * @param publicUrl  where the API and webhook sink are reached; null means this process's own port
 * @param dataDir    where the embedded broker and database keep their files
 * @param api        API keys
 * @param webhooks   webhook sink limits
 * @param operator   batching and retry policy of the operator
 * @param dispatcher batching and concurrency of the dispatcher
 * @param broker     how queue messages are published and bounded on the broker
 * @param providers  which provider sends when a message names none, and which take over when it fails
 */
@ConfigurationProperties("mailroom")
public record MailroomProperties(
        String publicUrl,
        @DefaultValue("mailroom-data") Path dataDir,
        @DefaultValue Api api,
        @DefaultValue Webhooks webhooks,
        @DefaultValue Operator operator,
        @DefaultValue Dispatcher dispatcher,
        @DefaultValue Broker broker,
        @DefaultValue Providers providers) {

    @ConstructorBinding
    public MailroomProperties {}

    /** The defaults for the broker and the providers. */
    public MailroomProperties(
            String publicUrl, Path dataDir, Api api, Webhooks webhooks, Operator operator, Dispatcher dispatcher) {
        this(
                publicUrl,
                dataDir,
                api,
                webhooks,
                operator,
                dispatcher,
                new Broker("rabbitmq", Duration.ofSeconds(15), 10),
                new Providers(null, List.of()));
    }

    /**
     * @param kind           {@code rabbitmq}, or {@code qpid} for the embedded broker (set at start from
     *                       whether {@code spring.rabbitmq.host} is configured; not meant to be set by hand)
     * @param confirmTimeout how long a publish waits for the broker's confirm before it counts as failed
     * @param deliveryLimit  deliveries of one queue message before RabbitMQ moves it to the queue's
     *                       {@code .dlq} (quorum queues; a message that crashes its consumer every time)
     */
    public record Broker(
            @DefaultValue("rabbitmq") String kind,
            @DefaultValue("PT15S") Duration confirmTimeout,
            @DefaultValue("10") int deliveryLimit) {

        /** Whether the broker is RabbitMQ (quorum queues, delivery limits, dead-letter exchange). */
        public boolean isRabbitMq() {
            return "rabbitmq".equals(kind);
        }
    }

    /**
     * Provider choice; each provider's own settings are under {@code mailroom.providers.<name>}.
     *
     * @param defaultProvider the provider of a message that names none (default: the sandbox where it
     *                        runs, else the first provider configured); changeable at run time by the API
     * @param failover        providers tried in this order when the chosen one's circuit breaker is open
     *                        (default: none); changeable at run time by the API, which then takes precedence
     */
    public record Providers(@Name("default") String defaultProvider, List<String> failover) {

        public Providers {
            defaultProvider = defaultProvider == null || defaultProvider.isBlank() ? null : defaultProvider.trim();
            failover = failover == null
                    ? List.of()
                    : failover.stream()
                            .map(String::trim)
                            .filter(name -> !name.isEmpty())
                            .toList();
        }
    }

    /**
     * @param bootstrapKey      an API key of the first organization with the scopes send, read and admin
     *                          (generated into the data directory when unset)
     * @param platformKey       a platform key: the platform endpoints (settings, dead letters, organizations,
     *                          platform keys, metrics), no organization's data. Unset: none, until the platform
     *                          operator creates one
     * @param idempotencyWindow how long an Idempotency-Key keeps naming its message, counted
     *                          from when the operator recorded it: within it the same key and body
     *                          answer that message (another body: 409); after it the key makes a new message
     * @param decisionTimeout   how long the API waits for the operator's decision on a cancel, reschedule or
     *                          retry before it answers 503; the operator carries out no request older than this
     */
    public record Api(
            String bootstrapKey,
            String platformKey,
            @DefaultValue("PT24H") Duration idempotencyWindow,
            @DefaultValue("PT10S") Duration decisionTimeout) {

        @ConstructorBinding
        public Api {
            if (idempotencyWindow == null) {
                idempotencyWindow = Duration.ofHours(24);
            }
            if (idempotencyWindow.isNegative() || idempotencyWindow.isZero()) {
                throw new IllegalArgumentException(
                        "mailroom.api.idempotency-window must be positive, was " + idempotencyWindow);
            }
            if (decisionTimeout == null) {
                decisionTimeout = Duration.ofSeconds(10);
            }
            if (decisionTimeout.isNegative() || decisionTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "mailroom.api.decision-timeout must be positive, was " + decisionTimeout);
            }
        }

        /** This bootstrap key, no platform key and the default idempotency window and decision timeout. */
        public Api(String bootstrapKey) {
            this(bootstrapKey, null, Duration.ofHours(24), Duration.ofSeconds(10));
        }
    }

    /**
     * Limits of the webhook sink ({@code POST /webhooks/{provider}}).
     *
     * @param tolerance           how old a signed webhook timestamp may be
     * @param maxBodyBytes        the largest body one call may carry (413 beyond it, chunked or not)
     * @param maxConcurrentCalls  calls of one provider in progress at once (429 beyond it)
     * @param maxCallsPerSecond   calls of one provider per second (429 beyond it)
     * @param maxInFlightBytes    request bytes held in memory by all webhook calls together (503 beyond it)
     * @param maxEventAge         an event time older than this (before the call arrived) is replaced by
     *                            the time of arrival, the provider's own value kept in the details
     * @param maxEventAhead       the same for event times more than this ahead of the time of arrival
     * @param authFailures        when one source address is refused for a while after failed authentications
     */
    public record Webhooks(
            @DefaultValue("PT5M") Duration tolerance,
            @DefaultValue("5242880") int maxBodyBytes,
            @DefaultValue("64") int maxConcurrentCalls,
            @DefaultValue("5000") int maxCallsPerSecond,
            @DefaultValue("67108864") long maxInFlightBytes,
            @DefaultValue("P30D") Duration maxEventAge,
            @DefaultValue("PT15M") Duration maxEventAhead,
            @DefaultValue AuthFailures authFailures) {

        @ConstructorBinding
        public Webhooks {
            if (maxBodyBytes < 1 || maxConcurrentCalls < 1 || maxCallsPerSecond < 1) {
                throw new IllegalArgumentException(
                        "mailroom.webhooks.max-body-bytes, max-concurrent-calls and max-calls-per-second must be positive");
            }
            if (maxInFlightBytes < maxBodyBytes) {
                throw new IllegalArgumentException("mailroom.webhooks.max-in-flight-bytes (" + maxInFlightBytes
                        + ") must be at least max-body-bytes (" + maxBodyBytes
                        + "), or no call of the largest size could ever be read");
            }
            if (maxEventAge.isNegative() || maxEventAhead.isNegative()) {
                throw new IllegalArgumentException(
                        "mailroom.webhooks.max-event-age and max-event-ahead must not be negative");
            }
        }

        /** The default limits with this tolerance and body size. */
        public Webhooks(Duration tolerance, int maxBodyBytes) {
            this(
                    tolerance,
                    maxBodyBytes,
                    64,
                    5000,
                    Math.max(67_108_864L, maxBodyBytes),
                    Duration.ofDays(30),
                    Duration.ofMinutes(15),
                    new AuthFailures(10, Duration.ofMinutes(1), Duration.ofMinutes(5), 100_000));
        }
    }

    /**
     * Failed webhook authentications (401s) per source address: after {@code max} of them within
     * {@code window}, every webhook call from that address answers 429 for {@code blockFor}.
     * Successes never count, and never reset another address's count.
     *
     * @param max        failed authentications from one address that block it
     * @param window     the time over which failures are counted
     * @param blockFor   how long a blocked address is answered 429
     * @param maxSources addresses remembered at once (least recently seen forgotten first)
     */
    public record AuthFailures(
            @DefaultValue("10") int max,
            @DefaultValue("PT1M") Duration window,
            @DefaultValue("PT5M") Duration blockFor,
            @DefaultValue("100000") int maxSources) {

        public AuthFailures {
            if (max < 1
                    || maxSources < 1
                    || window.isNegative()
                    || window.isZero()
                    || blockFor.isNegative()
                    || blockFor.isZero()) {
                throw new IllegalArgumentException(
                        "mailroom.webhooks.auth-failures.max, window, block-for and max-sources must be positive");
            }
        }
    }

    /**
     * @param batchSize            queue messages the operator takes and commits together
     * @param consumers            mailbox and tracking consumers per operator process
     * @param maxAttempts          dispatch attempts before a message is FAILED
     * @param retryBackoff         the first retry delay; doubled per attempt, with jitter
     * @param releaseInterval      how often due messages (scheduled, retries, unpublished) are released
     * @param settingsBroadcastInterval how often operators repeat the settings to the dispatchers (a
     *                             dispatcher started later, or one that missed a change, catches up)
     * @param maxRetryAge          no retry is planned for a message submitted longer ago than this
     * @param maxRetryDelay        the back-off between two attempts grows no longer than this
     * @param requeueAcceptedAfter an ACCEPTED message not yet QUEUED after this long is queued
     *                             again (the operator died between its commit and its publish)
     */
    public record Operator(
            @DefaultValue("200") int batchSize,
            @DefaultValue("2") int consumers,
            @DefaultValue("5") int maxAttempts,
            @DefaultValue("PT2S") Duration retryBackoff,
            @DefaultValue("PT1S") Duration releaseInterval,
            @DefaultValue("PT24H") Duration maxRetryAge,
            @DefaultValue("PT5M") Duration requeueAcceptedAfter,
            @DefaultValue("PT1H") Duration maxRetryDelay,
            @DefaultValue("PT5S") Duration settingsBroadcastInterval) {

        @ConstructorBinding
        public Operator {}

        public Operator(
                int batchSize, int consumers, int maxAttempts, Duration retryBackoff, Duration releaseInterval) {
            this(
                    batchSize,
                    consumers,
                    maxAttempts,
                    retryBackoff,
                    releaseInterval,
                    Duration.ofHours(24),
                    Duration.ofMinutes(5),
                    Duration.ofHours(1),
                    Duration.ofSeconds(5));
        }
    }

    /**
     * @param batchSize      dispatch commands one consumer takes at once
     * @param consumers      dispatching-queue consumers per dispatcher process
     * @param concurrency    provider calls in progress at once per dispatcher process
     * @param rateLimits     sends per second allowed per provider name, for the whole installation
     *                       (shared among the live dispatcher processes, see {@link Quota})
     * @param circuitBreaker when a provider counts as failing, so the failover list takes over
     * @param quota          how dispatchers share the rate limits and a provider's 429 back-off
     */
    public record Dispatcher(
            @DefaultValue("50") int batchSize,
            @DefaultValue("2") int consumers,
            @DefaultValue("32") int concurrency,
            java.util.Map<String, Integer> rateLimits,
            @DefaultValue CircuitBreaker circuitBreaker,
            @DefaultValue Quota quota) {

        @ConstructorBinding
        public Dispatcher {
            rateLimits = rateLimits == null ? java.util.Map.of() : java.util.Map.copyOf(rateLimits);
            quota = quota == null ? Quota.DEFAULTS : quota;
        }

        /** The default quota sharing. */
        public Dispatcher(
                int batchSize,
                int consumers,
                int concurrency,
                java.util.Map<String, Integer> rateLimits,
                CircuitBreaker circuitBreaker) {
            this(batchSize, consumers, concurrency, rateLimits, circuitBreaker, Quota.DEFAULTS);
        }

        /** No rate limits and the default circuit breaker. */
        public Dispatcher(int batchSize, int consumers, int concurrency) {
            this(
                    batchSize,
                    consumers,
                    concurrency,
                    java.util.Map.of(),
                    new CircuitBreaker(50, 20, 10, Duration.ofSeconds(30)));
        }
    }

    /**
     * How the dispatcher processes share {@code rate-limits} and a provider's "slow down" (429).
     * Each dispatcher announces itself on the {@code mailroom.dispatchers} exchange every
     * {@code heartbeat}, counts the dispatchers heard within three heartbeats, and sends at most
     * {@code limit / live} per second itself.
     *
     * @param heartbeat      how often each dispatcher announces itself; a dispatcher not heard for three
     *                       of them counts as gone and its share goes to the others
     * @param maxPermitWait  how long a send waits for its turn under the limit (or for a back-off to end)
     *                       before it is DEFERRED with the time its turn would come
     * @param defaultBackoff how long every dispatcher holds off a provider that answered 429 without a
     *                       Retry-After
     */
    public record Quota(
            @DefaultValue("PT1S") Duration heartbeat,
            @DefaultValue("PT5S") Duration maxPermitWait,
            @DefaultValue("PT10S") Duration defaultBackoff) {
        static final Quota DEFAULTS = new Quota(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10));

        public Quota {
            if (heartbeat == null || heartbeat.isNegative() || heartbeat.isZero()) {
                throw new IllegalArgumentException("mailroom.dispatcher.quota.heartbeat must be positive");
            }
            if (maxPermitWait == null
                    || maxPermitWait.isNegative()
                    || defaultBackoff == null
                    || defaultBackoff.isNegative()) {
                throw new IllegalArgumentException(
                        "mailroom.dispatcher.quota.max-permit-wait and default-backoff must not be negative");
            }
        }
    }

    /**
     * @param failureRate  percentage of retryable failures among the last {@code window} sends that opens the breaker
     * @param window       how many of the latest sends the failure rate is computed over
     * @param minimumCalls sends needed before the rate is judged
     * @param openFor      how long an open breaker sends nothing before trying the provider again
     */
    public record CircuitBreaker(
            @DefaultValue("50") int failureRate,
            @DefaultValue("20") int window,
            @DefaultValue("10") int minimumCalls,
            @DefaultValue("PT30S") Duration openFor) {}
}
