package dev.mailroom.bench.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.mailroom.contracts.QueueNames;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The local RabbitMQ node, administered the way {@code .ci/run} does it (as root, with
 * {@code rabbitmqctl} and {@code rabbitmq-server}), plus a few AMQP look-ups: queue depths,
 * purges, reading a dead-letter queue without consuming it, publishing raw messages.
 *
 * <p>Never starts a node while one runs or boots: a second node beside a booting one crashes it.
 */
public final class RabbitMqNode {
    private static final Duration CTL_TIMEOUT = Duration.ofSeconds(60);
    /** rabbitmqctl starts an epmd if it finds none: it must listen on loopback too. */
    private static final Map<String, String> LOOPBACK_ENV = Map.of("ERL_EPMD_ADDRESS", "127.0.0.1");

    private final Infrastructure infrastructure;

    public RabbitMqNode(Infrastructure infrastructure) {
        this.infrastructure = infrastructure;
    }

    /** Creates the virtual host (if missing) and gives the user every right on it. */
    public void ensureVhost() {
        String vhost = infrastructure.broker().vhost();
        if ("/".equals(vhost)) {
            return;
        }
        Shell.Result vhosts = ctl("-q", "list_vhosts");
        if (!vhosts.ok()) {
            throw new IllegalStateException("rabbitmqctl list_vhosts failed: " + vhosts.output());
        }
        if (vhosts.output().lines().map(String::trim).noneMatch(vhost::equals)) {
            Shell.Result added = ctl("-q", "add_vhost", vhost);
            if (!added.ok()) {
                throw new IllegalStateException("rabbitmqctl add_vhost " + vhost + " failed: " + added.output());
            }
        }
        Shell.Result permitted = ctl(
                "-q", "set_permissions", "-p", vhost, infrastructure.broker().user(), ".*", ".*", ".*");
        if (!permitted.ok()) {
            throw new IllegalStateException("rabbitmqctl set_permissions failed: " + permitted.output());
        }
    }

    /**
     * Stops the node (the whole Erlang VM), waits until it is gone, starts it again bound to
     * loopback and waits until it has booted.
     *
     * @return how long the broker was unavailable
     */
    public Duration restart(Duration timeout) throws InterruptedException {
        long t0 = System.nanoTime();
        Shell.Result stopped = ctl("stop");
        if (!stopped.ok()) {
            throw new IllegalStateException("rabbitmqctl stop failed: " + stopped.output());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (vmRunning()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the RabbitMQ VM did not exit within " + timeout.toSeconds() + " s of rabbitmqctl stop");
            }
            Thread.sleep(200);
        }
        start(Duration.ofNanos(Math.max(Duration.ofSeconds(30).toNanos(), deadline - System.nanoTime())));
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** Starts the node unless its VM is running (or booting), then waits for it to have booted. */
    public void start(Duration timeout) throws InterruptedException {
        if (!vmRunning()) {
            Shell.Result started = Shell.run(
                    CTL_TIMEOUT,
                    Map.of(
                            "ERL_EPMD_ADDRESS", "127.0.0.1",
                            "RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1",
                            "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}"),
                    "rabbitmq-server",
                    "-detached");
            if (!started.ok()) {
                throw new IllegalStateException("rabbitmq-server -detached failed: " + started.output());
            }
        }
        awaitStartup(timeout);
    }

    /** Right after a start, {@code await_startup} fails at once (the node is not registered yet): retried until the deadline. */
    public void awaitStartup(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (Shell.run(Duration.ofSeconds(30), LOOPBACK_ENV, "rabbitmqctl", "-q", "await_startup")
                            .ok()
                    && canConnect()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("RabbitMQ did not come up within " + timeout.toSeconds() + " s");
            }
            Thread.sleep(1000);
        }
    }

    /** Whether the node's Erlang VM (run by the rabbitmq user) exists, booting or stopping included. */
    public static boolean vmRunning() {
        return Shell.run(Duration.ofSeconds(10), "pgrep", "-u", "rabbitmq", "-x", "beam.smp")
                .ok();
    }

    public boolean canConnect() {
        try (Connection ignored = connect()) {
            return true;
        } catch (IOException | TimeoutException | RuntimeException e) {
            return false;
        }
    }

    /** A plain connection to the virtual host (no automatic recovery: look-ups are short). */
    public Connection connect() throws IOException, TimeoutException {
        ConnectionFactory factory = infrastructure.broker().connectionFactory();
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(5000);
        // A cluster's nodes in turn: a look-up works while one of them is down.
        return factory.newConnection(infrastructure.broker().nodes(), "mailroom-bench-admin");
    }

    /** Messages ready in a queue (not counting those delivered and not yet acknowledged); -1 when it does not exist. */
    public long depth(String queue) throws IOException, TimeoutException {
        try (Connection connection = connect()) {
            return depth(connection, queue);
        }
    }

    static long depth(Connection connection, String queue) throws IOException {
        // A passive declare of a missing queue closes the channel: one channel per look-up.
        Channel channel = connection.createChannel();
        try {
            return channel.queueDeclarePassive(queue).getMessageCount();
        } catch (IOException missing) {
            return -1;
        } finally {
            closeQuietly(channel);
        }
    }

    /** Empties the queues that exist; returns how many messages were purged. */
    public long purge(List<String> queues) throws IOException, TimeoutException {
        long purged = 0;
        try (Connection connection = connect()) {
            for (String queue : queues) {
                Channel channel = connection.createChannel();
                try {
                    channel.queueDeclarePassive(queue);
                    purged += channel.queuePurge(queue).getMessageCount();
                } catch (IOException missing) {
                    // Not declared yet: nothing to purge.
                } finally {
                    closeQuietly(channel);
                }
            }
        }
        return purged;
    }

    /** A message seen in a queue by {@link #peek}. */
    public record Peeked(String messageId, String type, Map<String, Object> headers, byte[] body) {}

    /**
     * Reads up to {@code limit} messages of a queue without removing them: each is fetched
     * unacknowledged and all return to the queue when the channel closes.
     */
    public List<Peeked> peek(String queue, int limit) throws IOException, TimeoutException {
        List<Peeked> seen = new ArrayList<>();
        try (Connection connection = connect()) {
            Channel channel = connection.createChannel();
            try {
                channel.queueDeclarePassive(queue);
                for (int i = 0; i < limit; i++) {
                    GetResponse response = channel.basicGet(queue, false);
                    if (response == null) {
                        break;
                    }
                    AMQP.BasicProperties props = response.getProps();
                    seen.add(new Peeked(
                            props.getMessageId(),
                            props.getType(),
                            props.getHeaders() == null ? Map.of() : props.getHeaders(),
                            response.getBody()));
                }
            } catch (IOException missing) {
                return seen;
            } finally {
                closeQuietly(channel);
            }
        }
        return seen;
    }

    /**
     * Publishes a raw message to a queue, persistent and confirmed, through the exchange an application uses for it
     * (the mailbox's own for the mailbox's lanes, the default exchange for the others).
     */
    public void publish(String queue, String type, String messageId, byte[] body)
            throws IOException, TimeoutException, InterruptedException {
        publish(queue, type, messageId, body, Map.of());
    }

    /** Publishes with extra AMQP headers (a mailbox message's proof). */
    public void publish(String queue, String type, String messageId, byte[] body, Map<String, ?> headers)
            throws IOException, TimeoutException, InterruptedException {
        try (Connection connection = connect()) {
            Channel channel = connection.createChannel();
            try {
                channel.confirmSelect();
                AMQP.BasicProperties.Builder props = new AMQP.BasicProperties.Builder()
                        .deliveryMode(2)
                        .messageId(messageId)
                        .contentType("application/json")
                        .headers(new java.util.HashMap<String, Object>(headers));
                if (type != null) {
                    props.type(type);
                }
                channel.basicPublish(QueueNames.exchangeOf(queue), queue, true, props.build(), body);
                channel.waitForConfirmsOrDie(10_000);
            } finally {
                closeQuietly(channel);
            }
        }
    }

    private Shell.Result ctl(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "rabbitmqctl";
        System.arraycopy(args, 0, command, 1, args.length);
        return Shell.run(CTL_TIMEOUT, LOOPBACK_ENV, command);
    }

    private static void closeQuietly(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | RuntimeException ignored) {
            // Closed already (a failed passive declare closes it).
        }
    }
}
