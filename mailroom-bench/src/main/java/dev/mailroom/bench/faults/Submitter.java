package dev.mailroom.bench.faults;

import dev.mailroom.client.MailroomClient;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Submits N emails through {@link MailroomClient} (AMQP, publisher confirms) on a thread of its
 * own, at a steady rate, with a bounded number awaiting their confirm.
 *
 * <p><b>Only a confirmed submit counts as submitted.</b> A submit the broker did not confirm
 * (refused, unroutable, connection lost, no confirm within 30 s) was not accepted: it is counted
 * as unconfirmed and the email is submitted again, under a new id, until one is confirmed. An
 * unconfirmed publish may still have reached the queue before the broker went away; that copy
 * (an "orphan", sent in addition) is not in the ledger, which holds Mailroom to what it confirmed.
 * Every email carries the run's tag, so orphans can be counted afterwards.
 */
final class Submitter implements AutoCloseable {
    private static final int MAX_IN_FLIGHT = 500;
    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private final String amqpUri;
    private final String tag;
    private final int messages;
    /** Pacing: email {@code anchorIndex} is due at {@code anchorNanos}, the next ones at {@code rate} per second after it. */
    private double ratePerSecond;
    private long anchorNanos;
    private int anchorIndex;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final BlockingQueue<Integer> retries = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<UUID> confirmed = new ConcurrentLinkedQueue<>();
    private final AtomicInteger confirmedCount = new AtomicInteger();
    private final AtomicLong unconfirmed = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong lastSuccessNanos = new AtomicLong(System.nanoTime());
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final Thread thread;
    private volatile MailroomClient client;
    private volatile long startNanos;
    private volatile long finishedNanos;
    private volatile String lastFailure;
    private volatile boolean stopped;
    /** The next email never submitted yet. */
    private volatile int nextIndex;

    /**
     * @param ratePerSecond emails per second; 0 or less: as fast as confirms allow
     */
    Submitter(String amqpUri, String tag, int messages, double ratePerSecond) {
        this.amqpUri = amqpUri;
        this.tag = tag;
        this.messages = messages;
        this.ratePerSecond = ratePerSecond;
        this.thread = new Thread(this::submitAll, "fault-submitter");
        thread.setDaemon(true);
    }

    void start() throws IOException {
        client = MailroomClient.connect(amqpUri);
        startNanos = System.nanoTime();
        synchronized (this) {
            anchorNanos = startNanos;
        }
        thread.start();
    }

    /** Changes the pace from now on: the emails not submitted yet go out at {@code perSecond}. */
    synchronized void setRate(double perSecond) {
        anchorNanos = System.nanoTime();
        anchorIndex = nextIndex;
        ratePerSecond = perSecond;
    }

    /** Emails submitted at least once so far. */
    int started() {
        return nextIndex;
    }

    synchronized double rate() {
        return ratePerSecond;
    }

    int messages() {
        return messages;
    }

    String tag() {
        return tag;
    }

    boolean finished() {
        return finishedNanos != 0;
    }

    long finishedNanos() {
        return finishedNanos;
    }

    int confirmedCount() {
        return confirmedCount.get();
    }

    List<UUID> confirmedIds() {
        return new ArrayList<>(confirmed);
    }

    /** Submits that the broker did not confirm (each was submitted again). */
    long unconfirmed() {
        return unconfirmed.get();
    }

    long reconnects() {
        return reconnects.get();
    }

    String lastFailure() {
        return lastFailure;
    }

    double seconds() {
        long end = finishedNanos == 0 ? System.nanoTime() : finishedNanos;
        return (end - startNanos) / 1e9;
    }

    boolean awaitFinished(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        return finished();
    }

    private void submitAll() {
        try {
            while (!stopped && confirmedCount.get() < messages) {
                int next = nextIndex;
                Integer retry = retries.poll();
                int index;
                if (retry != null) {
                    index = retry;
                    Thread.sleep(RETRY_PAUSE.toMillis());
                } else if (next < messages) {
                    index = next;
                    nextIndex = next + 1;
                    pace(index);
                } else {
                    // Everything is out: wait for confirms, or for a failure to submit again.
                    Integer late = retries.poll(100, TimeUnit.MILLISECONDS);
                    if (late != null) {
                        retries.add(late);
                    }
                    continue;
                }
                inFlight.acquire();
                submit(index);
            }
            if (!stopped) {
                finishedNanos = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void submit(int index) {
        reconnectIfDead();
        MailroomClient current = client;
        CompletableFuture<UUID> future;
        if (current == null) {
            future = CompletableFuture.failedFuture(new IOException("not connected"));
        } else {
            try {
                future = current.submitAsync(email(index), null, null).orTimeout(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                future = CompletableFuture.failedFuture(e);
            }
        }
        future.whenComplete((id, failure) -> {
            inFlight.release();
            if (failure == null) {
                confirmed.add(id);
                confirmedCount.incrementAndGet();
                lastSuccessNanos.set(System.nanoTime());
                consecutiveFailures.set(0);
            } else {
                unconfirmed.incrementAndGet();
                consecutiveFailures.incrementAndGet();
                lastFailure = failure.toString();
                retries.add(index);
            }
        });
    }

    /**
     * The client's connection recovers by itself after a broker restart; should it not (recovery
     * gave up), a new client is connected once submits have failed for a while.
     */
    private void reconnectIfDead() {
        boolean failingForAWhile = consecutiveFailures.get() >= 20
                && System.nanoTime() - lastSuccessNanos.get() > TimeUnit.SECONDS.toNanos(15);
        if (!failingForAWhile && client != null) {
            return;
        }
        MailroomClient old = client;
        client = null;
        if (old != null) {
            try {
                old.close();
            } catch (IOException | RuntimeException ignored) {
                // Already broken: that is why it is replaced.
            }
        }
        try {
            client = MailroomClient.connect(amqpUri);
            reconnects.incrementAndGet();
            consecutiveFailures.set(0);
            lastSuccessNanos.set(System.nanoTime());
        } catch (IOException | RuntimeException e) {
            lastFailure = "reconnect: " + e;
        }
    }

    private void pace(int index) throws InterruptedException {
        long due;
        synchronized (this) {
            if (ratePerSecond <= 0) {
                return;
            }
            due = anchorNanos + (long) ((index - anchorIndex) * 1e9 / ratePerSecond);
        }
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private Email email(int index) {
        return new Email(Address.of("faults@example.org"), List.of(Recipient.of("r" + index + "@example.org")), null, null, null,
                "Fault suite " + tag + " #" + index, "Message " + index + " of the fault-injection suite.", null, null,
                List.of(tag), Map.of("index", Integer.toString(index)), null);
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        MailroomClient current = client;
        if (current != null) {
            try {
                current.close();
            } catch (IOException | RuntimeException ignored) {
                // Closing after a broker restart may find the connection gone already.
            }
        }
    }
}
