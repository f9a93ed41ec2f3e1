package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.Broker;
import dev.mailroom.bench.submit.AmqpSubmitter;
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
 * Submits N emails through the bench's {@link AmqpSubmitter} (AMQP, publisher confirms) on a
 * thread of its own, at a steady rate, with a bounded number awaiting their confirm.
 *
 * <p><b>Only a confirmed submit counts as submitted.</b> A submit the broker did not confirm
 * (refused, unroutable, connection lost, no confirm within 30 s) was not accepted: it is counted
 * as unconfirmed and the email is submitted again, under a new id, until one is confirmed. An
 * unconfirmed publish may still have reached the queue before the broker went away; that copy
 * (an "orphan", sent in addition) is not in the ledger, which holds Mailroom to what it confirmed.
 * Every email carries the run's tag, so orphans can be counted afterwards.
 */
final class ConfirmedSubmissions implements AutoCloseable {
    private static final int MAX_IN_FLIGHT = 500;
    private static final Duration RETRY_PAUSE = Duration.ofMillis(200);

    private final Broker broker;
    private final String apiKey;
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
    private final Thread thread;
    private volatile AmqpSubmitter submitter;
    private volatile long startNanos;
    private volatile long finishedNanos;
    private volatile String lastFailure;
    private volatile boolean stopped;
    /** The next email never submitted yet. */
    private volatile int nextIndex;

    /**
     * @param ratePerSecond emails per second; 0 or less: as fast as confirms allow
     */
    ConfirmedSubmissions(Broker broker, String apiKey, String tag, int messages, double ratePerSecond) {
        this.broker = broker;
        this.apiKey = apiKey;
        this.tag = tag;
        this.messages = messages;
        this.ratePerSecond = ratePerSecond;
        this.thread = new Thread(this::submitAll, "fault-submitter");
        thread.setDaemon(true);
    }

    /** Connects the client (again, if it was connected): before {@link #start}, a scenario may want another node. */
    void connect() throws IOException {
        AmqpSubmitter old = submitter;
        if (old != null) {
            old.close();
        }
        submitter = new AmqpSubmitter(broker, apiKey, MAX_IN_FLIGHT);
    }

    void start() throws IOException {
        if (submitter == null) {
            connect();
        }
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
        AmqpSubmitter s = submitter;
        return s == null ? 0 : s.reconnects();
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
        CompletableFuture<UUID> future;
        try {
            future = submitter.submit(email(index));
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((id, failure) -> {
            inFlight.release();
            if (failure == null) {
                confirmed.add(id);
                confirmedCount.incrementAndGet();
            } else {
                unconfirmed.incrementAndGet();
                lastFailure = failure.toString();
                retries.add(index);
            }
        });
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
        return new Email(
                Address.of("faults@example.org"),
                List.of(Recipient.of("r" + index + "@example.org")),
                null,
                null,
                null,
                "Fault suite " + tag + " #" + index,
                "Message " + index + " of the fault-injection suite.",
                null,
                null,
                List.of(tag),
                Map.of("index", Integer.toString(index)),
                null);
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        AmqpSubmitter current = submitter;
        if (current != null) {
            current.close();
        }
    }
}
