package dev.mailroom.client;

import dev.mailroom.contracts.Email;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Mailroom's Java client: submits emails over REST or straight to the mailbox queue over AMQP, reads messages
 * (with their timeline and per-recipient statuses) and members over REST. Thread-safe; one instance per
 * application is enough. Close it when done (it holds the AMQP connection).
 *
 * <p>Over REST ({@link #rest(URI, String)}), the API key is sent as {@code Authorization: Bearer}. Every submit
 * gets an {@code Idempotency-Key} (a random one, or the caller's) that is REUSED on each retry, so retrying a
 * connection error, a timeout, 429 (after its {@code Retry-After}), 502, 503 or 504 cannot send the email twice.
 * Attempts are bounded (4 by default, exponential back-off with jitter). Any other error is a
 * {@link MailroomApiException} holding Mailroom's problem+json (status, title, detail, the fields at fault).
 *
 * <pre>{@code
 * try (MailroomClient client = MailroomClient.rest(URI.create("http://localhost:8080"), apiKey)) {
 *     UUID id = client.submit(email);
 *     MessageDetails message = client.getMessage(id); // status, recipients, activities
 * }
 * }</pre>
 *
 * <p>Over AMQP ({@link #amqp(String, String)}), each submission is published persistent and mandatory to the
 * mailbox queue and confirmed by the broker before {@code submit} returns; it is signed with the API key
 * (the key never leaves the application) and checked against the Contract's rules first
 * ({@link InvalidEmailException}). To read over REST as well, give both:
 *
 * <pre>{@code
 * MailroomClient client = MailroomClient.builder()
 *         .apiKey(apiKey)
 *         .amqp("amqp://app:secret@broker:5672/mailroom") // submits over AMQP
 *         .baseUrl(URI.create("https://mailroom.example.com")) // reads over REST
 *         .build();
 * }</pre>
 */
public final class MailroomClient implements AutoCloseable {
    /** How {@code submit} reaches Mailroom. */
    public enum Transport {
        /** {@code POST /api/v1/messages} (and {@code /batch}) with an Idempotency-Key. */
        REST,
        /** The mailbox queue, with publisher confirms. */
        AMQP
    }

    private final Transport transport;
    /** Null when no base URL was given: then only AMQP submits work. */
    private final RestApi rest;
    /** Null unless submitting over AMQP. */
    private final AmqpSubmitter amqp;

    private MailroomClient(Transport transport, RestApi rest, AmqpSubmitter amqp) {
        this.transport = transport;
        this.rest = rest;
        this.amqp = amqp;
    }

    /** A client that submits and reads over REST, with the defaults ({@link Builder}). */
    public static MailroomClient rest(URI baseUrl, String apiKey) {
        try {
            return builder().baseUrl(baseUrl).apiKey(apiKey).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // REST connects nothing at build time
        }
    }

    /**
     * A client that submits over AMQP: connects to the broker Mailroom uses ({@code amqp://user:pass@host:5672/vhost})
     * and signs every submission with {@code apiKey} (scope {@code send}); the messages are recorded under the key's
     * organization. It cannot read: use {@link #builder()} with a {@code baseUrl} too for that.
     */
    public static MailroomClient amqp(String amqpUri, String apiKey) throws IOException {
        return builder().amqp(amqpUri).apiKey(apiKey).build();
    }

    /** The same as {@link #amqp(String, String)}, its name from before the REST transport. */
    public static MailroomClient connect(String amqpUri, String apiKey) throws IOException {
        return amqp(amqpUri, apiKey);
    }

    /**
     * No longer possible: Mailroom refuses mailbox messages that do not prove their organization.
     *
     * @deprecated use {@link #connect(String, String)} with an API key of the organization (scope {@code send})
     * @throws UnsupportedOperationException always, saying so
     */
    @Deprecated(since = "0.1.0", forRemoval = true)
    public static MailroomClient connect(String amqpUri) {
        throw new UnsupportedOperationException(
                "Mailroom refuses unsigned mailbox messages: connect with MailroomClient.connect(amqpUri, apiKey),"
                        + " an API key of your organization with the 'send' scope");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How {@code submit} reaches Mailroom. */
    public Transport transport() {
        return transport;
    }

    /** Submits an email to be sent now with the default provider; returns its id once Mailroom has it. */
    public UUID submit(Email email) throws IOException {
        return submit(email, null, null);
    }

    /** Submits with a send time ({@code null}: now) and a provider override ({@code null}: default). */
    public UUID submit(Email email, Instant sendAt, String provider) throws IOException {
        if (transport == Transport.AMQP) {
            return amqp.submit(email, sendAt, provider);
        }
        return rest.submit(email, sendAt, provider, UUID.randomUUID().toString());
    }

    /**
     * Submits over REST under the caller's {@code Idempotency-Key} (1–255 characters): within Mailroom's
     * idempotency window (24 h), the same key with the same email answers the same id and sends nothing again;
     * the same key with another email is a 409 {@link MailroomApiException}. Use a key that names the reason for
     * the email in your application ({@code "welcome-" + userId}) to make a resubmission after a crash safe.
     *
     * @throws UnsupportedOperationException over AMQP, which has no Idempotency-Key
     */
    public UUID submit(Email email, Instant sendAt, String provider, String idempotencyKey) throws IOException {
        requireRest("an Idempotency-Key");
        if (idempotencyKey == null || idempotencyKey.isEmpty()) {
            throw new IllegalArgumentException("idempotencyKey must not be empty");
        }
        return rest.submit(email, sendAt, provider, idempotencyKey);
    }

    /**
     * Submits several emails, to be sent now with the default provider; returns their ids in the order of
     * {@code emails}.
     *
     * <p>Over AMQP every email is checked first: if one breaks a rule, {@link InvalidEmailException} names it
     * ({@code [index].field}) and nothing is published. Over REST they are one {@code POST /api/v1/messages/batch}
     * (at most 500) under one Idempotency-Key: if Mailroom refuses some, the others are still accepted and a
     * {@link BatchRefusedException} says which is which; use {@link #submitBatch} to get the per-email results
     * without an exception.
     */
    public List<UUID> submitAll(List<Email> emails) throws IOException {
        if (transport == Transport.AMQP) {
            return amqp.submitAll(emails);
        }
        BatchResult result = submitBatch(emails, UUID.randomUUID().toString());
        if (result.rejected() > 0) {
            throw new BatchRefusedException(result);
        }
        return result.ids();
    }

    /**
     * {@code POST /api/v1/messages/batch} (REST only): up to 500 emails under one {@code Idempotency-Key} (1–251
     * characters; null: a random one), answered with one result per email. Sending the same batch with the same
     * key again answers the same ids and sends nothing twice.
     */
    public BatchResult submitBatch(List<Email> emails, String idempotencyKey) throws IOException {
        requireRest("a batch");
        return rest.submitBatch(
                emails, idempotencyKey == null ? UUID.randomUUID().toString() : idempotencyKey);
    }

    /**
     * Submits without blocking the caller; the future completes with the message id. Over AMQP it completes
     * when the broker confirms (an invalid email fails it at once with {@link InvalidEmailException}); over
     * REST the request and its retries run on the common pool and an error completes it with the
     * {@link IOException} {@code submit} would throw.
     */
    public CompletableFuture<UUID> submitAsync(Email email, Instant sendAt, String provider) {
        if (transport == Transport.AMQP) {
            return amqp.submitAsync(email, sendAt, provider);
        }
        String key = UUID.randomUUID().toString();
        return CompletableFuture.supplyAsync(() -> {
                    try {
                        return rest.submit(email, sendAt, provider, key);
                    } catch (IOException e) {
                        throw new CompletionException(e);
                    }
                })
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        e instanceof CompletionException && e.getCause() != null ? e.getCause() : e));
    }

    /**
     * {@code GET /api/v1/messages/{id}}: the message with its recipients (each with its own status and
     * timeline), its status and its activities in time order. A message of another organization, or none, is a
     * 404 {@link MailroomApiException}.
     */
    public MessageDetails getMessage(UUID id) throws IOException {
        requireRest("reading messages");
        return rest.getMessage(id);
    }

    /** {@code GET /api/v1/messages}: one page, newest first; follow {@link Page#nextCursor()} for more. */
    public Page<MessageSummary> listMessages(MessageQuery query) throws IOException {
        requireRest("reading messages");
        return rest.listMessages(query == null ? MessageQuery.all() : query);
    }

    /** {@code GET /api/v1/members}: one page, most recently emailed first. */
    public Page<Member> listMembers(MemberQuery query) throws IOException {
        requireRest("reading members");
        return rest.listMembers(query == null ? MemberQuery.all() : query);
    }

    /** {@code GET /api/v1/members/{memberId}}; 404 {@link MailroomApiException} if no email named them. */
    public Member getMember(String memberId) throws IOException {
        requireRest("reading members");
        if (memberId == null || memberId.isEmpty()) {
            throw new IllegalArgumentException("memberId must not be empty");
        }
        return rest.getMember(memberId);
    }

    /**
     * How far ahead a {@code sendAt} may be (AMQP): set it to the server's {@code mailroom.limits.max-schedule-ahead}
     * when that is not the default (365 days). A later {@code sendAt} is refused with {@link InvalidEmailException},
     * as the server would refuse it. Over REST the server checks.
     */
    public void setMaxScheduleAhead(Duration maxScheduleAhead) {
        if (amqp != null) {
            amqp.setMaxScheduleAhead(maxScheduleAhead);
        }
    }

    /**
     * Above how many submissions a second this client publishes to the mailbox's bulk lane (AMQP;
     * {@code mailroom.mailbox.bulk}) instead of the prompt one (default 50): a newsletter sent through this client
     * then waits behind itself, not in front of everyone else's occasional email. 0 sends everything in bulk.
     */
    public void setBulkAbove(int perSecond) {
        if (amqp != null) {
            amqp.setBulkAbove(perSecond);
        }
    }

    private void requireRest(String what) {
        boolean restSubmission = what.equals("a batch") || what.equals("an Idempotency-Key");
        if (transport == Transport.AMQP && restSubmission) {
            throw new UnsupportedOperationException(
                    what + " is a REST submission; this client submits over AMQP (submitAll publishes a list)");
        }
        if (rest == null) {
            throw new UnsupportedOperationException(what + " needs the REST API: build the client with a baseUrl"
                    + " (MailroomClient.rest(baseUrl, apiKey), or builder().baseUrl(…) beside amqp(…))");
        }
    }

    @Override
    public void close() throws IOException {
        if (amqp != null) {
            amqp.close();
        }
    }

    /**
     * Builds a {@link MailroomClient}. An API key is always needed. {@link #baseUrl} enables REST (submits and
     * reads); {@link #amqp} makes submits go over AMQP. With neither, {@link #build} says so.
     */
    public static final class Builder {
        private URI baseUrl;
        private String amqpUri;
        private List<String> amqpAddresses = List.of();
        private String apiKey;
        private Transport transport;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxAttempts = RetryPolicy.DEFAULT.maxAttempts();
        private Duration initialBackoff = RetryPolicy.DEFAULT.initialBackoff();
        private Duration maxBackoff = RetryPolicy.DEFAULT.maxBackoff();
        private Duration maxRetryAfter = RetryPolicy.DEFAULT.maxRetryAfter();
        private Integer bulkAbove;
        private Duration maxScheduleAhead;
        private java.util.function.Supplier<String> traceParent;

        private Builder() {}

        /**
         * Your application's current W3C {@code traceparent} (null when there is none), asked for on each submission
         * and sent with it (an HTTP header over REST, an AMQP header over AMQP): Mailroom's trace of the email then
         * continues yours. A malformed value is not sent. Default: none.
         */
        public Builder traceParent(java.util.function.Supplier<String> traceParent) {
            this.traceParent = traceParent;
            return this;
        }

        /** Mailroom's URL, e.g. {@code https://mailroom.example.com} (the API is under {@code /api/v1}). */
        public Builder baseUrl(URI baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /** An API key of the organization; {@code send} to submit, {@code read} to read. */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        /** Submit over AMQP to this broker ({@code amqp://user:pass@host:port/vhost}). */
        public Builder amqp(String amqpUri) {
            this.amqpUri = amqpUri;
            return this;
        }

        /**
         * AMQP: the broker's nodes ({@code host} or {@code host:port} each, e.g. the three nodes of a RabbitMQ
         * cluster), tried in random order instead of the host and port of the {@link #amqp} URI, which still gives
         * the user, password, virtual host and TLS. The connection recovers by itself to whichever node answers, so
         * a node that dies moves the client to another; a submission unconfirmed when its node died fails with an
         * {@link IOException} and may be submitted again. Empty (the default): the URI's host and port.
         */
        public Builder amqpAddresses(List<String> addresses) {
            this.amqpAddresses = addresses == null ? List.of() : List.copyOf(addresses);
            return this;
        }

        /** AMQP: as {@link #amqpAddresses(List)}. */
        public Builder amqpAddresses(String... addresses) {
            return amqpAddresses(List.of(addresses));
        }

        /** The transport of submits; by default AMQP when {@link #amqp} is given, else REST. */
        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /** How long to wait for a TCP (and TLS) connection to Mailroom's API (default 10 s). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** How long one HTTP attempt may take to answer (default 30 s); a timeout is retried. */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** HTTP attempts in all, the first included (default 4; 1 = no retry). */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The wait before the first retry (default 200 ms); doubles per attempt, with jitter, up to maxBackoff. */
        public Builder initialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
            return this;
        }

        /** The longest wait between two attempts (default 5 s). */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
            return this;
        }

        /**
         * The longest {@code Retry-After} the client waits out (default 60 s); a longer one fails the call at
         * once with {@link MailroomApiException#retryAfter()} saying when to come back.
         */
        public Builder maxRetryAfter(Duration maxRetryAfter) {
            this.maxRetryAfter = maxRetryAfter;
            return this;
        }

        /** AMQP: see {@link MailroomClient#setBulkAbove}. */
        public Builder bulkAbove(int perSecond) {
            this.bulkAbove = perSecond;
            return this;
        }

        /** AMQP: see {@link MailroomClient#setMaxScheduleAhead}. */
        public Builder maxScheduleAhead(Duration maxScheduleAhead) {
            this.maxScheduleAhead = maxScheduleAhead;
            return this;
        }

        /**
         * The client; connects to the broker when submitting over AMQP (hence the {@link IOException}).
         *
         * @throws IllegalArgumentException when a setting is missing or wrong, naming it
         */
        public MailroomClient build() throws IOException {
            if (apiKey == null || apiKey.isBlank()) {
                throw new IllegalArgumentException("apiKey: an API key of your organization is needed (scope 'send'"
                        + " to submit, 'read' to read)");
            }
            Transport chosen = transport != null ? transport : amqpUri != null ? Transport.AMQP : Transport.REST;
            if (chosen == Transport.REST && baseUrl == null) {
                throw new IllegalArgumentException("baseUrl: Mailroom's URL is needed to submit over REST");
            }
            if (chosen == Transport.AMQP && (amqpUri == null || amqpUri.isBlank())) {
                throw new IllegalArgumentException("amqp: the broker's URI is needed to submit over AMQP");
            }
            requirePositive("connectTimeout", connectTimeout);
            requirePositive("requestTimeout", requestTimeout);
            RetryPolicy retry = new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, maxRetryAfter);
            RestApi rest = baseUrl == null ? null : new RestApi(baseUrl, apiKey, connectTimeout, requestTimeout, retry);
            if (rest != null) {
                rest.setTraceParent(traceParent);
            }
            AmqpSubmitter amqp = null;
            if (chosen == Transport.AMQP) {
                amqp = AmqpSubmitter.connect(amqpUri, amqpAddresses, apiKey);
                amqp.setTraceParent(traceParent);
                if (bulkAbove != null) {
                    amqp.setBulkAbove(bulkAbove);
                }
                if (maxScheduleAhead != null) {
                    amqp.setMaxScheduleAhead(maxScheduleAhead);
                }
            }
            return new MailroomClient(chosen, rest, amqp);
        }

        private static void requirePositive(String name, Duration value) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive (got " + value + ")");
            }
        }
    }
}
