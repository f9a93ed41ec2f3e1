package dev.mailroom.bench.load;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.mailroom.bench.cluster.Broker;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Messages waiting (ready, not yet delivered to a consumer) in Mailroom's three queues, polled in
 * the background with passive declares: where a backlog builds up shows which step is behind.
 */
final class QueueDepths implements AutoCloseable {
    static final List<String> QUEUES = List.of("mailroom.mailbox", "mailroom.dispatching", "mailroom.tracking");
    private static final long POLL_MILLIS = 250;

    private final Connection connection;
    private final AtomicLongArray depths = new AtomicLongArray(QUEUES.size());
    private final Thread poller;
    private volatile boolean running = true;
    private Channel channel;

    QueueDepths(Broker broker) throws IOException {
        this.connection = broker.connect("mailroom-bench-queue-depths");
        this.poller = new Thread(this::poll, "queue-depths");
        poller.setDaemon(true);
        poller.start();
    }

    long mailbox() {
        return depths.get(0);
    }

    long dispatching() {
        return depths.get(1);
    }

    long tracking() {
        return depths.get(2);
    }

    long total() {
        return mailbox() + dispatching() + tracking();
    }

    /** Polls once now, for a decision that must not act on a value a quarter second old. */
    long totalNow() {
        pollOnce();
        return total();
    }

    private void poll() {
        while (running) {
            pollOnce();
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void pollOnce() {
        for (int i = 0; i < QUEUES.size(); i++) {
            try {
                if (channel == null || !channel.isOpen()) {
                    channel = connection.createChannel();
                }
                long waiting = channel.queueDeclarePassive(QUEUES.get(i)).getMessageCount();
                if (!QUEUES.get(i).equals("mailroom.tracking")) {
                    // And its bulk lane: one queue of the pipeline, in two lanes (none before issue 12).
                    waiting += bulkLaneDepth(QUEUES.get(i) + ".bulk");
                }
                depths.set(i, waiting);
            } catch (IOException | RuntimeException e) {
                // Not declared yet (the passive declare closed the channel): nothing waiting in it.
                depths.set(i, 0);
            }
        }
    }

    /** A bulk lane's depth; 0 where there is none (a Mailroom from before lanes: the passive declare fails). */
    private long bulkLaneDepth(String queue) {
        try (Channel own = connection.createChannel()) {
            return own.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException | RuntimeException | java.util.concurrent.TimeoutException e) {
            return 0;
        }
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
        try {
            connection.close();
        } catch (IOException | RuntimeException e) {
            // Done with it.
        }
    }
}
