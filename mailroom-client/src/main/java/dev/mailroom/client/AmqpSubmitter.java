package dev.mailroom.client;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Address;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ShutdownSignalException;
import dev.mailroom.contracts.BulkRate;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.Envelope;
import dev.mailroom.contracts.MailboxProof;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.contracts.Violation;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The AMQP path of {@link MailroomClient}: publishes submissions straight to Mailroom's mailbox queue, persistent,
 * mandatory (an unroutable publish is an error, not a silent drop) and confirmed by the broker. Every message is
 * signed with the API key ({@link MailboxProof}); only what signing needs is kept, not the key.
 *
 * <p>It publishes through the mailbox's own exchange ({@value QueueNames#MAILBOX_EXCHANGE}), so the broker user needs
 * write permission on that exchange only. Against a Mailroom from before that exchange (the exchange is not there
 * when the client connects) it publishes through the default exchange, as before.
 */
final class AmqpSubmitter implements AutoCloseable {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final Connection connection;
    private final Channel channel;
    private final String keyId;
    private final byte[] signingKey;
    // Whether the mailbox is reached through its own exchange (QueueNames.exchangeOf); false on an older Mailroom,
    // which has only the default exchange.
    private final boolean ownExchange;
    private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private volatile Duration maxScheduleAhead = EmailRules.DEFAULT_MAX_SCHEDULE_AHEAD;
    private volatile int bulkAbove = BulkRate.DEFAULT_BULK_ABOVE;
    // This client's submissions over the last second (guarded by the channel's lock).
    private final BulkRate rate = new BulkRate();
    /** The caller's trace context, put on each submission ({@link TraceParent}); null: none. */
    private volatile java.util.function.Supplier<String> traceParent;

    private record Pending(UUID id, CompletableFuture<UUID> result) {}

    private AmqpSubmitter(Connection connection, String apiKey) throws IOException {
        this.connection = connection;
        // Only what signing needs is kept, not the key.
        this.keyId = MailboxProof.keyId(apiKey);
        this.signingKey = MailboxProof.signingKey(apiKey);
        this.ownExchange = hasMailboxExchange(connection);
        this.channel = connection.createChannel();
        channel.confirmSelect();
        channel.addConfirmListener(
                (seq, multiple) -> settle(seq, multiple, null),
                (seq, multiple) -> settle(seq, multiple, "the broker refused (nack) the message"));
        channel.addReturnListener(this::onReturn);
        channel.addShutdownListener(cause -> failAll("the AMQP channel closed: " + cause.getMessage()));
    }

    /**
     * Connects to the broker Mailroom uses, e.g. {@code amqp://user:pass@host:5672/vhost}, and signs every
     * submission with {@code apiKey}: the messages are recorded under the key's organization. (The second
     * argument used to be an organization id that the client claimed; it is the key now.)
     *
     * @param apiKey an API key with the {@code send} scope, as the REST API takes it
     */
    static AmqpSubmitter connect(String amqpUri, String apiKey) throws IOException {
        return connect(amqpUri, List.of(), apiKey);
    }

    /**
     * As {@link #connect(String, String)}, to the first of {@code addresses} ({@code host} or {@code host:port}, the
     * nodes of a RabbitMQ cluster) that answers, in random order, instead of the URI's host and port; the URI still
     * gives the user, password, virtual host and TLS ({@code amqps}). The connection recovers by itself (the RabbitMQ
     * client's automatic recovery, every 5 s), to whichever of the addresses answers then: a node that dies moves
     * the client to another. Submissions unconfirmed when the connection dropped fail; submit them again.
     */
    static AmqpSubmitter connect(String amqpUri, List<String> addresses, String apiKey) throws IOException {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("an API key (scope 'send') is needed to sign what is sent to Mailroom");
        }
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(amqpUri);
        } catch (Exception e) {
            // Neither the URI's user information nor the cause (whose message repeats the URI): it holds the password.
            throw new IllegalArgumentException("not an AMQP URI (amqp://user:pass@host:port/vhost): "
                    + withoutUserInfo(amqpUri) + " (" + e.getClass().getSimpleName() + ")");
        }
        List<Address> nodes = parseAddresses(addresses, factory.getPort());
        // Automatic recovery is the RabbitMQ client's default; said here because failing over to another node
        // depends on it.
        factory.setAutomaticRecoveryEnabled(true);
        try {
            Connection connection = nodes.isEmpty()
                    ? factory.newConnection("mailroom-client")
                    : factory.newConnection(shuffled(nodes), "mailroom-client");
            return new AmqpSubmitter(connection, apiKey);
        } catch (TimeoutException e) {
            throw new IOException(
                    "timed out connecting to "
                            + (nodes.isEmpty() ? factory.getHost() + ":" + factory.getPort() : nodes.toString()),
                    e);
        }
    }

    /**
     * {@code host} or {@code host:port} each ({@code [v6]:port} too); a missing port is the URI's. Blank entries are
     * skipped; anything else unreadable is refused, naming it.
     */
    static List<Address> parseAddresses(List<String> addresses, int defaultPort) {
        List<Address> parsed = new ArrayList<>();
        if (addresses == null) {
            return parsed;
        }
        for (String raw : addresses) {
            if (raw == null || raw.isBlank()) {
                continue;
            }
            String address = raw.trim();
            Address a;
            try {
                a = Address.parseAddress(address);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("amqpAddresses: '" + address + "' is not host or host:port");
            }
            if (a.getHost() == null
                    || a.getHost().isBlank()
                    || a.getHost().contains("/")
                    || a.getHost().contains("@")) {
                throw new IllegalArgumentException("amqpAddresses: '" + address + "' is not host or host:port");
            }
            int port = a.getPort() == -1 ? defaultPort : a.getPort();
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("amqpAddresses: '" + address + "' has no valid port (1-65535)");
            }
            parsed.add(new Address(a.getHost(), port));
        }
        return parsed;
    }

    /** A random order, so that many clients given the same list spread over the nodes. */
    private static List<Address> shuffled(List<Address> nodes) {
        List<Address> copy = new ArrayList<>(nodes);
        Collections.shuffle(copy);
        return copy;
    }

    /**
     * Whether the mailbox is reached through its own exchange: yes when Mailroom has declared it; no when the broker
     * says there is no such exchange (a Mailroom from before it), and then the default exchange takes the mailbox's
     * messages as before. Asked on a channel of its own, since the broker closes the channel that asks for a missing
     * exchange. Any other answer keeps the mailbox's exchange, whose publish then fails with the broker's own reason.
     */
    private static boolean hasMailboxExchange(Connection connection) throws IOException {
        Channel probe = connection.createChannel();
        try {
            probe.exchangeDeclarePassive(QueueNames.MAILBOX_EXCHANGE);
            return true;
        } catch (IOException e) {
            return !(e.getCause() instanceof ShutdownSignalException closed
                    && closed.getReason() instanceof AMQP.Channel.Close close
                    && close.getReplyCode() == AMQP.NOT_FOUND);
        } finally {
            if (probe.isOpen()) {
                try {
                    probe.close();
                } catch (IOException | TimeoutException | ShutdownSignalException ignored) {
                    // Closing a probe that is of no further use; nothing to do.
                }
            }
        }
    }

    /** Through which exchange this client publishes to {@code queue}. */
    String exchangeFor(String queue) {
        return ownExchange ? QueueNames.exchangeOf(queue) : "";
    }

    /** The URI with its user information (the broker password) left out. */
    static String withoutUserInfo(String uri) {
        if (uri == null) {
            return null;
        }
        int scheme = uri.indexOf("://");
        int at = uri.lastIndexOf('@');
        return scheme >= 0 && at > scheme ? uri.substring(0, scheme + 3) + "…@" + uri.substring(at + 1) : uri;
    }

    /**
     * How far ahead a {@code sendAt} may be; set it to the server's
     * {@code mailroom.limits.max-schedule-ahead} when that is not the default (365 days). A later
     * {@code sendAt} is refused with {@link InvalidEmailException}, as the server would refuse it.
     */
    void setMaxScheduleAhead(Duration maxScheduleAhead) {
        if (maxScheduleAhead == null || maxScheduleAhead.isNegative()) {
            throw new IllegalArgumentException("maxScheduleAhead must be zero or positive");
        }
        this.maxScheduleAhead = maxScheduleAhead;
    }

    /**
     * Above how many submissions a second this client publishes to the mailbox's bulk lane
     * ({@code mailroom.mailbox.bulk}) instead of the prompt one (default 50): a newsletter sent through this client
     * then waits behind itself, not in front of everyone else's occasional email. 0 sends everything in bulk.
     */
    void setBulkAbove(int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("bulkAbove must be zero or positive");
        }
        this.bulkAbove = perSecond;
    }

    /** Submits an email to be sent now with the default provider; returns its id once the broker has it. */
    UUID submit(Email email) throws IOException {
        return await(submitAsync(email, null, null));
    }

    /** Submits with a send time ({@code null}: now) and a provider override ({@code null}: default). */
    UUID submit(Email email, Instant sendAt, String provider) throws IOException {
        return await(submitAsync(email, sendAt, provider));
    }

    /**
     * Submits several emails to be sent now with the default provider: all are published, then the broker's
     * confirms of all are awaited; returns their ids in the order of {@code emails}. Every email is checked
     * first: if one breaks a rule, {@link InvalidEmailException} names it ({@code [index].field}) and
     * nothing is published. If the broker does not confirm one of them, an {@link IOException} says so and
     * the others may have been taken (each is its own message, recorded at most once).
     */
    List<UUID> submitAll(List<Email> emails) throws IOException {
        Instant now = Instant.now();
        List<SubmitMessage> messages = new ArrayList<>(emails.size());
        List<Violation> problems = new ArrayList<>();
        for (int i = 0; i < emails.size(); i++) {
            if (emails.get(i) == null) {
                problems.add(new Violation("[" + i + "]", "must be an email, not null"));
                continue;
            }
            SubmitMessage message = new SubmitMessage(UUID.randomUUID(), null, now, emails.get(i), null, null);
            for (Violation v : EmailRules.check(message, now, maxScheduleAhead)) {
                problems.add(new Violation("[" + i + "]." + v.field(), v.message()));
            }
            messages.add(message);
        }
        if (!problems.isEmpty()) {
            throw new InvalidEmailException(problems);
        }
        // Published one after another without waiting, so the confirms of the whole list arrive together.
        List<CompletableFuture<UUID>> confirms = new ArrayList<>(messages.size());
        for (SubmitMessage message : messages) {
            confirms.add(publish(message));
        }
        // One deadline for the whole list, not one per email.
        long deadline = System.nanoTime() + DEFAULT_TIMEOUT.toNanos();
        List<UUID> ids = new ArrayList<>(confirms.size());
        for (CompletableFuture<UUID> confirm : confirms) {
            ids.add(await(confirm, Math.max(0, deadline - System.nanoTime())));
        }
        return ids;
    }

    /**
     * Publishes without waiting; the future completes with the message id when the broker
     * confirms, or exceptionally when it refuses, returns it as unroutable, or the channel closes.
     * Invalid emails, and a {@code sendAt} beyond the schedule horizon, are refused at once with
     * {@link InvalidEmailException}.
     */
    CompletableFuture<UUID> submitAsync(Email email, Instant sendAt, String provider) {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        // No organization in the body: Mailroom takes the key's.
        SubmitMessage message = new SubmitMessage(id, null, now, email, sendAt, provider);
        // The operator checks the same rules; refusing here says why at once, instead of a FAILED later.
        List<Violation> problems = EmailRules.check(message, now, maxScheduleAhead);
        if (!problems.isEmpty()) {
            return CompletableFuture.failedFuture(new InvalidEmailException(problems));
        }
        return publish(message);
    }

    void setTraceParent(java.util.function.Supplier<String> traceParent) {
        this.traceParent = traceParent;
    }

    /**
     * The mailbox proof's headers, when it was published (the operator measures the mailbox's consumer lag from it:
     * AMQP's timestamp has whole seconds only), and the caller's {@code traceparent} when it has one.
     */
    private Map<String, Object> headers(String messageId, String type, byte[] body) {
        Map<String, Object> headers =
                new java.util.HashMap<>(MailboxProof.headers(keyId, signingKey, messageId, type, body));
        headers.put(QueueNames.PUBLISHED_AT_HEADER, System.currentTimeMillis());
        String trace = TraceParent.of(traceParent);
        if (trace != null) {
            headers.put(TraceParent.HEADER, trace);
        }
        return Map.copyOf(headers);
    }

    /** Publishes a checked submission; the future completes with its id once the broker confirmed it. */
    private CompletableFuture<UUID> publish(SubmitMessage message) {
        UUID id = message.id();
        byte[] body = ContractJson.write(message);
        // Queue, type and message_id as the contract declares them for a submission (its envelope); the exchange is
        // the envelope's too unless this Mailroom predates it.
        Envelope<SubmitMessage> envelope = message.envelope();
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .messageId(message.amqpMessageId())
                .type(envelope.type())
                .contentType("application/json")
                .deliveryMode(2)
                .timestamp(new java.util.Date())
                .headers(headers(message.amqpMessageId(), envelope.type(), body))
                .build();
        CompletableFuture<UUID> result = new CompletableFuture<>();
        // Sequence number and publish must pair up, so publishing is serialized on the channel.
        synchronized (channel) {
            long seq = channel.getNextPublishSeqNo();
            pending.put(seq, new Pending(id, result));
            String queue = inBulk() ? QueueNames.bulkLaneOf(envelope.routingKey()) : envelope.routingKey();
            try {
                channel.basicPublish(exchangeFor(queue), queue, true, props, body);
            } catch (IOException | RuntimeException e) {
                pending.remove(seq);
                result.completeExceptionally(e);
            }
        }
        return result;
    }

    /** Counts one submission and says whether this client sends in bulk now (more than bulkAbove a second). */
    private boolean inBulk() {
        return rate.add(System.currentTimeMillis(), 1) > bulkAbove;
    }

    private void settle(long seq, boolean multiple, String refusal) {
        Map<Long, Pending> settled = multiple ? pending.headMap(seq, true) : subMapOf(seq);
        for (Pending p : List.copyOf(settled.values())) {
            if (refusal == null) {
                p.result().complete(p.id());
            } else {
                p.result().completeExceptionally(new IOException(refusal + " for message " + p.id()));
            }
        }
        settled.clear();
    }

    private Map<Long, Pending> subMapOf(long seq) {
        return pending.subMap(seq, true, seq, true);
    }

    /** A returned message arrives before its confirm; fail it now so the confirm cannot succeed it. */
    private void onReturn(Return returned) {
        String messageId = returned.getProperties().getMessageId();
        pending.values().stream()
                .filter(p -> p.id().toString().equals(messageId))
                .findFirst()
                .ifPresent(p -> p.result()
                        .completeExceptionally(new IOException("message " + messageId + " was unroutable ("
                                + returned.getReplyText() + "): is Mailroom running and has it declared "
                                + returned.getRoutingKey() + "?")));
    }

    private void failAll(String reason) {
        pending.values().forEach(p -> p.result().completeExceptionally(new IOException(reason)));
        pending.clear();
    }

    private static UUID await(CompletableFuture<UUID> future) throws IOException {
        return await(future, DEFAULT_TIMEOUT.toNanos());
    }

    private static UUID await(CompletableFuture<UUID> future, long timeoutNanos) throws IOException {
        try {
            return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the broker's confirm", e);
        } catch (TimeoutException e) {
            throw new IOException("no broker confirm within " + DEFAULT_TIMEOUT, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InvalidEmailException invalid) {
                throw invalid;
            }
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
