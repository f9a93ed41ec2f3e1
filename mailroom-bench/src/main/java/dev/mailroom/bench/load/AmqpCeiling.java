package dev.mailroom.bench.load;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.mailroom.bench.cluster.Broker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the broker alone can do in the same run: messages of the pipeline's size published
 * persistent, mandatory and confirmed in batches (as Mailroom publishes), into a durable queue
 * (quorum on RabbitMQ, as Mailroom's), and consumed with a prefetch and batched acks (as
 * Mailroom consumes). The queue is kept short, as in a pipeline that keeps up.
 */
final class AmqpCeiling {
    static final String QUEUE = "mailroom-bench.ceiling";
    private static final int PUBLISHERS = 2;
    private static final int CONSUMERS = 2;
    private static final int CONFIRM_BATCH = 100;
    private static final int PREFETCH = 400;
    private static final int ACK_EVERY = 100;
    private static final long MAX_QUEUED = 20_000;
    private static final Duration WARMUP = Duration.ofSeconds(2);

    record Result(double messagesPerSecond, String how) {}

    private AmqpCeiling() {}

    static Result measure(Broker broker, int messageBytes, Duration duration) throws IOException, InterruptedException {
        AtomicLong published = new AtomicLong();
        AtomicLong consumed = new AtomicLong();
        byte[] body = new byte[messageBytes];
        ThreadLocalRandom.current().nextBytes(body);
        try (Connection publishing = broker.connect("mailroom-bench-ceiling-publish");
                Connection consuming = broker.connect("mailroom-bench-ceiling-consume")) {
            try (Channel admin = publishing.createChannel()) {
                Map<String, Object> args = broker.rabbitMq() ? Map.of("x-queue-type", "quorum") : Map.of();
                admin.queueDeclare(QUEUE, true, false, false, args);
                admin.queuePurge(QUEUE);
            } catch (TimeoutException e) {
                throw new IOException(e);
            }
            for (int i = 0; i < CONSUMERS; i++) {
                Channel channel = consuming.createChannel();
                channel.basicQos(PREFETCH);
                channel.basicConsume(QUEUE, false, new DefaultConsumer(channel) {
                    private int unacked;

                    @Override
                    public void handleDelivery(
                            String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] bytes)
                            throws IOException {
                        consumed.incrementAndGet();
                        if (++unacked >= ACK_EVERY) {
                            getChannel().basicAck(envelope.getDeliveryTag(), true);
                            unacked = 0;
                        }
                    }
                });
            }
            long deadline = System.nanoTime() + WARMUP.plus(duration).toNanos();
            List<Thread> publishers = new ArrayList<>();
            List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < PUBLISHERS; i++) {
                Thread t = new Thread(
                        () -> {
                            try {
                                publish(publishing, body, deadline, published, consumed);
                            } catch (Exception e) {
                                failures.add(e);
                            }
                        },
                        "ceiling-publisher-" + i);
                t.start();
                publishers.add(t);
            }
            Thread.sleep(WARMUP.toMillis());
            long consumedBefore = consumed.get();
            long t0 = System.nanoTime();
            Thread.sleep(duration.toMillis());
            long consumedAfter = consumed.get();
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (Thread t : publishers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            if (!failures.isEmpty()) {
                throw new IOException("the AMQP ceiling loop failed: " + failures.get(0), failures.get(0));
            }
            try (Channel admin = publishing.createChannel()) {
                admin.queueDelete(QUEUE);
            } catch (TimeoutException e) {
                throw new IOException(e);
            }
            String how = String.format(
                    "%d-byte messages, persistent + mandatory, confirmed per %d, %s; %d publishers, %d consumers"
                            + " (prefetch %d, ack per %d); %.0f s after %d s warm-up",
                    messageBytes,
                    CONFIRM_BATCH,
                    broker.rabbitMq() ? "quorum queue" : "durable queue",
                    PUBLISHERS,
                    CONSUMERS,
                    PREFETCH,
                    ACK_EVERY,
                    seconds,
                    WARMUP.toSeconds());
            return new Result((consumedAfter - consumedBefore) / seconds, how);
        }
    }

    private static void publish(
            Connection connection, byte[] body, long deadline, AtomicLong published, AtomicLong consumed)
            throws IOException, InterruptedException, TimeoutException {
        try (Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            while (System.nanoTime() < deadline) {
                if (published.get() - consumed.get() > MAX_QUEUED) {
                    Thread.sleep(1);
                    continue;
                }
                for (int i = 0; i < CONFIRM_BATCH; i++) {
                    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                            .deliveryMode(2)
                            .contentType("application/json")
                            .messageId(UUID.randomUUID().toString())
                            .type("mailroom-bench.ceiling.v1")
                            .build();
                    channel.basicPublish("", QUEUE, true, props, body);
                }
                channel.waitForConfirmsOrDie(30_000);
                published.addAndGet(CONFIRM_BATCH);
            }
        }
    }
}
