package dev.mailroom.bench.submit;

import dev.mailroom.bench.cluster.Broker;
import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.SubmitMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Submits through mailroom-client: straight to the mailbox queue, persistent, with publisher
 * confirms, each message signed with an organization's API key (its organization's proof). Given
 * several keys (one per organization), it holds one client per key and hands submissions to them
 * in turn, so that the load is spread evenly over the organizations. A submit not confirmed within
 * {@link #CONFIRM_TIMEOUT} fails.
 *
 * <p>A client's connection recovers by itself after a broker restart; should it not (recovery
 * gave up), a new client for that key is connected once its submits have failed for a while
 * ({@link #FAILING_SUBMITS} in a row over {@link #FAILING_FOR}).
 */
public final class AmqpSubmitter implements Submitter {
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);
    static final int FAILING_SUBMITS = 20;
    static final Duration FAILING_FOR = Duration.ofSeconds(15);

    private final RoundRobin<SigningClient> clients;
    private final int maxInFlight;
    private volatile String lastFailure;

    /**
     * @param apiKey      an API key with the send scope (the Mailroom's bootstrap key): signs every submission
     * @param maxInFlight unconfirmed publishes at once, over all clients
     */
    public AmqpSubmitter(Broker broker, String apiKey, int maxInFlight) throws IOException {
        this(broker, List.of(apiKey), maxInFlight);
    }

    /**
     * @param apiKeys     API keys with the send scope, one per organization: one client each, used in turn
     * @param maxInFlight unconfirmed publishes at once, over all clients
     */
    public AmqpSubmitter(Broker broker, List<String> apiKeys, int maxInFlight) throws IOException {
        this(broker, apiKeys, maxInFlight, -1);
    }

    /**
     * @param bulkAbove the clients' {@code setBulkAbove} (above how many a second they publish to the mailbox's
     *                  bulk lane); negative: the client's default
     */
    public AmqpSubmitter(Broker broker, List<String> apiKeys, int maxInFlight, int bulkAbove) throws IOException {
        if (apiKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one API key signs the submissions");
        }
        this.maxInFlight = maxInFlight;
        List<SigningClient> connected = new ArrayList<>();
        try {
            for (String key : apiKeys) {
                connected.add(new SigningClient(broker.uri(), broker.addresses(), key, bulkAbove));
            }
        } catch (IOException | RuntimeException e) {
            connected.forEach(SigningClient::close);
            throw e;
        }
        this.clients = new RoundRobin<>(connected);
    }

    /**
     * The submit message the bench builds by hand (the poison scenario's valid ones); the client
     * builds those it publishes in {@link #submit} the same way.
     */
    public static SubmitMessage submitMessage(UUID id, String organizationId, Email email) {
        return new SubmitMessage(id, organizationId, Instant.now(), email, null, null);
    }

    @Override
    public CompletableFuture<UUID> submit(Email email) {
        return clients.next().submit(email).whenComplete((id, failure) -> {
            if (failure != null) {
                lastFailure = failure.toString();
            }
        });
    }

    @Override
    public int maxInFlight() {
        return maxInFlight;
    }

    /** Organizations (keys) the submissions are spread over. */
    public int organizations() {
        return clients.size();
    }

    /** New clients connected because old ones kept failing, over all keys. */
    public long reconnects() {
        return clients.all().stream().mapToLong(c -> c.reconnects.get()).sum();
    }

    /** The last submit's or reconnect's failure, of any client, or null. */
    public String lastFailure() {
        String last = lastFailure;
        if (last != null) {
            return last;
        }
        return clients.all().stream()
                .map(c -> c.lastFailure)
                .filter(f -> f != null)
                .findFirst()
                .orElse(null);
    }

    @Override
    public void close() {
        clients.all().forEach(SigningClient::close);
    }

    /** One key's client, replaced by a new one when it keeps failing. */
    private static final class SigningClient {
        private final String amqpUri;
        /** host:port of each node of a cluster; empty: the URI's. */
        private final List<String> addresses;

        private final String apiKey;
        private final AtomicLong lastSuccessNanos = new AtomicLong(System.nanoTime());
        private final AtomicInteger consecutiveFailures = new AtomicInteger();
        private final AtomicLong reconnects = new AtomicLong();
        private volatile MailroomClient client;
        private volatile String lastFailure;
        private volatile boolean closed;

        private final int bulkAbove;

        SigningClient(String amqpUri, List<String> addresses, String apiKey, int bulkAbove) throws IOException {
            this.amqpUri = amqpUri;
            this.addresses = addresses;
            this.apiKey = apiKey;
            this.bulkAbove = bulkAbove;
            this.client = connect();
        }

        private MailroomClient connect() throws IOException {
            // A cluster's nodes: the client tries them in random order and recovers to another when its node dies.
            MailroomClient connected = MailroomClient.builder()
                    .amqp(amqpUri)
                    .amqpAddresses(addresses)
                    .apiKey(apiKey)
                    .build();
            if (bulkAbove >= 0) {
                connected.setBulkAbove(bulkAbove);
            }
            return connected;
        }

        CompletableFuture<UUID> submit(Email email) {
            reconnectIfDead();
            MailroomClient current = client;
            CompletableFuture<UUID> future;
            if (current == null) {
                future = CompletableFuture.failedFuture(new IOException("not connected: " + lastFailure));
            } else {
                try {
                    future = current.submitAsync(email, null, null)
                            .orTimeout(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (RuntimeException e) {
                    future = CompletableFuture.failedFuture(e);
                }
            }
            return future.whenComplete((id, failure) -> {
                if (failure == null) {
                    lastSuccessNanos.set(System.nanoTime());
                    consecutiveFailures.set(0);
                } else {
                    consecutiveFailures.incrementAndGet();
                    lastFailure = failure.toString();
                }
            });
        }

        private synchronized void reconnectIfDead() {
            boolean failingForAWhile = consecutiveFailures.get() >= FAILING_SUBMITS
                    && System.nanoTime() - lastSuccessNanos.get() > FAILING_FOR.toNanos();
            if (closed || (!failingForAWhile && client != null)) {
                return;
            }
            MailroomClient old = client;
            client = null;
            closeQuietly(old);
            try {
                client = connect();
                reconnects.incrementAndGet();
                consecutiveFailures.set(0);
                lastSuccessNanos.set(System.nanoTime());
            } catch (IOException | RuntimeException e) {
                lastFailure = "reconnect: " + e;
            }
        }

        void close() {
            closed = true;
            closeQuietly(client);
        }
    }

    private static void closeQuietly(MailroomClient c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                // Closing at the end of a run, or after a broker restart found the connection gone: nothing left to
                // lose.
            }
        }
    }
}
