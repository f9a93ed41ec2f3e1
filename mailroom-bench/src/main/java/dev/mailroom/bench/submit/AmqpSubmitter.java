package dev.mailroom.bench.submit;

import dev.mailroom.bench.cluster.Broker;
import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.SubmitMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Submits through mailroom-client: straight to the mailbox queue, persistent, with publisher
 * confirms, each message signed with the Mailroom's API key (its organization's proof). A submit not
 * confirmed within {@link #CONFIRM_TIMEOUT} fails.
 *
 * <p>The client's connection recovers by itself after a broker restart; should it not (recovery
 * gave up), a new client is connected once submits have failed for a while ({@link #FAILING_SUBMITS}
 * in a row over {@link #FAILING_FOR}).
 */
public final class AmqpSubmitter implements Submitter {
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);
    static final int FAILING_SUBMITS = 20;
    static final Duration FAILING_FOR = Duration.ofSeconds(15);

    private final String amqpUri;
    private final String apiKey;
    private final int maxInFlight;
    private final AtomicLong lastSuccessNanos = new AtomicLong(System.nanoTime());
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile MailroomClient client;
    private volatile String lastFailure;
    private volatile boolean closed;

    /**
     * @param apiKey      an API key with the send scope (the Mailroom's bootstrap key): signs every submission
     * @param maxInFlight unconfirmed publishes at once on the client's one channel
     */
    public AmqpSubmitter(Broker broker, String apiKey, int maxInFlight) throws IOException {
        this.amqpUri = broker.uri();
        this.apiKey = apiKey;
        this.maxInFlight = maxInFlight;
        this.client = MailroomClient.connect(amqpUri, apiKey);
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

    @Override
    public int maxInFlight() {
        return maxInFlight;
    }

    /** New clients connected because the old one kept failing. */
    public long reconnects() {
        return reconnects.get();
    }

    /** The last submit's or reconnect's failure, or null. */
    public String lastFailure() {
        return lastFailure;
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
            client = MailroomClient.connect(amqpUri, apiKey);
            reconnects.incrementAndGet();
            consecutiveFailures.set(0);
            lastSuccessNanos.set(System.nanoTime());
        } catch (IOException | RuntimeException e) {
            lastFailure = "reconnect: " + e;
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(client);
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
