package dev.mailroom.client.spring;

import dev.mailroom.client.MailroomClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code mailroom.client.*}: how the application reaches Mailroom. A {@link MailroomClient} bean is made when
 * {@code api-key} is set; a {@link dev.mailroom.client.WebhookVerifier} bean when {@code webhook.secrets} is.
 *
 * @param baseUrl        Mailroom's URL (e.g. https://mailroom.example.com): needed to submit over REST and to read
 *                       messages and members
 * @param apiKey         an API key of the organization (scope send to submit, read to read)
 * @param transport      how emails are submitted: rest (POST /api/v1/messages with an Idempotency-Key) or amqp (the
 *                       mailbox queue, with publisher confirms)
 * @param amqp           the broker, when transport is amqp
 * @param connectTimeout how long to wait for a connection to Mailroom's API
 * @param requestTimeout how long one HTTP attempt may take
 * @param retry          how REST calls are retried (connection errors, 429, 502, 503, 504)
 * @param webhook        how Mailroom's outbound webhooks are verified
 */
@ConfigurationProperties("mailroom.client")
public record MailroomClientProperties(
        URI baseUrl,
        String apiKey,
        @DefaultValue("rest") MailroomClient.Transport transport,
        @DefaultValue Amqp amqp,
        @DefaultValue("10s") Duration connectTimeout,
        @DefaultValue("30s") Duration requestTimeout,
        @DefaultValue Retry retry,
        @DefaultValue Webhook webhook) {

    /** Checked while binding, so that a wrong setting stops the application at start, naming the property. */
    public MailroomClientProperties {
        if (apiKey != null) {
            if (apiKey.isBlank()) {
                throw new IllegalArgumentException("mailroom.client.api-key must not be blank");
            }
            if (transport == MailroomClient.Transport.REST && baseUrl == null) {
                throw new IllegalArgumentException(
                        "mailroom.client.base-url is needed to submit over REST (mailroom.client.transport=rest)");
            }
            if (transport == MailroomClient.Transport.AMQP
                    && (amqp.uri() == null || amqp.uri().isBlank())) {
                throw new IllegalArgumentException(
                        "mailroom.client.amqp.uri is needed when mailroom.client.transport=amqp");
            }
        }
        if (baseUrl != null
                && !"http".equalsIgnoreCase(baseUrl.getScheme())
                && !"https".equalsIgnoreCase(baseUrl.getScheme())) {
            throw new IllegalArgumentException(
                    "mailroom.client.base-url must be an http(s) URL (got '" + baseUrl + "')");
        }
        positive("connect-timeout", connectTimeout);
        positive("request-timeout", requestTimeout);
    }

    /** Without the key: a bean's settings end up in logs and debug dumps. */
    @Override
    public String toString() {
        return "MailroomClientProperties[baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? null : "(set)")
                + ", transport=" + transport + ", amqp=" + amqp + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", retry=" + retry + ", webhook=" + webhook + "]";
    }

    private static void positive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("mailroom.client." + name + " must be positive (got " + value + ")");
        }
    }

    /**
     * @param uri              the broker Mailroom uses, amqp://user:pass@host:5672/vhost
     * @param addresses        the broker's nodes (host or host:port each, e.g. the three nodes of a RabbitMQ
     *                         cluster), tried in random order instead of the URI's host and port; the connection
     *                         recovers to another of them when its node dies. Empty: the URI's host and port
     * @param bulkAbove        above how many submissions a second the client publishes to the mailbox's bulk lane
     * @param maxScheduleAhead how far ahead a sendAt may be (set it to the server's mailroom.limits.max-schedule-ahead)
     */
    public record Amqp(
            String uri,
            List<String> addresses,
            @DefaultValue("50") int bulkAbove,
            @DefaultValue("365d") Duration maxScheduleAhead) {
        public Amqp {
            addresses = addresses == null
                    ? List.of()
                    : addresses.stream()
                            .map(String::trim)
                            .filter(a -> !a.isEmpty())
                            .toList();
            if (bulkAbove < 0) {
                throw new IllegalArgumentException(
                        "mailroom.client.amqp.bulk-above must be zero or positive (got " + bulkAbove + ")");
            }
        }

        @Override
        public String toString() {
            return "Amqp[uri=" + (uri == null ? null : "(set: it may hold the broker password)") + ", addresses="
                    + addresses + ", bulkAbove="
                    + bulkAbove + ", maxScheduleAhead=" + maxScheduleAhead + "]";
        }
    }

    /**
     * @param maxAttempts    attempts in all, the first included (1: no retry)
     * @param initialBackoff the wait before the first retry; doubles per attempt, with jitter
     * @param maxBackoff     the longest wait between two attempts
     * @param maxRetryAfter  the longest Retry-After waited out; a longer one fails the call at once
     */
    public record Retry(
            @DefaultValue("4") int maxAttempts,
            @DefaultValue("200ms") Duration initialBackoff,
            @DefaultValue("5s") Duration maxBackoff,
            @DefaultValue("60s") Duration maxRetryAfter) {
        public Retry {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException(
                        "mailroom.client.retry.max-attempts must be at least 1 (got " + maxAttempts + ")");
            }
        }
    }

    /**
     * @param secrets   the webhook endpoint's signing secrets (whsec_...); during a rotation give the new and the
     *                  previous one
     * @param tolerance how far a webhook's timestamp may be from now, either way
     */
    public record Webhook(
            List<String> secrets, @DefaultValue("5m") Duration tolerance) {
        public Webhook {
            secrets = secrets == null ? List.of() : List.copyOf(secrets);
        }

        @Override
        public String toString() {
            return "Webhook[secrets=(" + secrets.size() + " set), tolerance=" + tolerance + "]";
        }
    }
}
