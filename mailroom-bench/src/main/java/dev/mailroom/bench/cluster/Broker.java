package dev.mailroom.bench.cluster;

import com.rabbitmq.client.Address;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * The AMQP broker under Mailroom: RabbitMQ (quorum queues) or Mailroom's embedded Qpid (plain
 * durable queues), where it is, and how a Mailroom process and the bench's own connections reach it.
 *
 * @param vhost     the virtual host; {@code "/"} is the default one
 * @param rabbitMq  false for Mailroom's embedded broker
 * @param addresses the nodes of a RabbitMQ cluster ({@code host:port} each), in the order a Mailroom process tries
 *                  them ({@code spring.rabbitmq.addresses}); empty: the one node at host and port
 */
public record Broker(
        String host, int port, String user, String password, String vhost, boolean rabbitMq, List<String> addresses) {

    public Broker {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    /** One node. */
    public Broker(String host, int port, String user, String password, String vhost, boolean rabbitMq) {
        this(host, port, user, password, vhost, rabbitMq, List.of());
    }

    /** Every node this broker has: its addresses, or its one host and port. */
    public List<Address> nodes() {
        return addresses.isEmpty()
                ? List.of(new Address(host, port))
                : addresses.stream().map(Address::parseAddress).toList();
    }

    /** A RabbitMQ at {@code amqp://user:password@host:port[/vhost]} (guest/guest and port 5672 when left out). */
    public static Broker rabbitMq(String amqpUri) {
        URI uri = URI.create(amqpUri);
        String[] userInfo = uri.getRawUserInfo() == null
                ? new String[] {"guest", "guest"}
                : uri.getRawUserInfo().split(":", 2);
        String path = uri.getRawPath();
        String vhost = path == null || path.isEmpty() || path.equals("/") ? "/" : decode(path.substring(1));
        return new Broker(
                uri.getHost(),
                uri.getPort() < 0 ? 5672 : uri.getPort(),
                decode(userInfo[0]),
                userInfo.length > 1 ? decode(userInfo[1]) : "",
                vhost,
                true);
    }

    /**
     * The embedded broker of a Mailroom the bench starts on {@code port}: Mailroom is given these
     * credentials ({@link #mailroomArgs()}), since its own are generated per installation.
     */
    public static Broker embedded(int port) {
        return new Broker("127.0.0.1", port, "bench", "bench-" + UUID.randomUUID(), "/", false);
    }

    /** The same broker, another virtual host: its queues are not anybody else's. */
    public Broker withVhost(String otherVhost) {
        return new Broker(host, port, user, password, otherVhost, rabbitMq, addresses);
    }

    /** The same broker, which is (or is not) RabbitMQ: known only once connected, for a Mailroom someone else started. */
    public Broker withRabbitMq(boolean isRabbitMq) {
        return new Broker(host, port, user, password, vhost, isRabbitMq, addresses);
    }

    /** For the Java client: {@code amqp://user:pass@host:port[/vhost]} (no trailing slash: that would mean the vhost ""). */
    public String uri() {
        String base = "amqp://" + encode(user) + ":" + encode(password) + "@" + host + ":" + port;
        String uri = "/".equals(vhost) ? base : base + "/" + encode(vhost);
        // On a cluster, heartbeats notice a node cut off by a partition (its TCP connections just go quiet) within
        // about two of them, instead of the client's default 60 s.
        // A connection attempt to a cut-off node (no answer at all) gives up after 5 s and the next node is tried,
        // instead of after the client's default 60 s.
        return addresses.isEmpty()
                ? uri
                : uri + "?heartbeat=" + CLUSTER_HEARTBEAT_SECONDS + "&connection_timeout=" + CLUSTER_CONNECT_TIMEOUT_MS;
    }

    /** The arguments that point a Mailroom process at this broker (or, embedded, make it run this one). */
    public List<String> mailroomArgs() {
        if (!rabbitMq) {
            return List.of(
                    "--mailroom.embedded.amqp-port=" + port,
                    "--spring.rabbitmq.username=" + user,
                    "--spring.rabbitmq.password=" + password);
        }
        List<String> args = new ArrayList<>();
        if (addresses.isEmpty()) {
            args.add("--spring.rabbitmq.host=" + host);
            args.add("--spring.rabbitmq.port=" + port);
        } else {
            args.add(addressesArg(addresses));
        }
        args.addAll(List.of("--spring.rabbitmq.username=" + user, "--spring.rabbitmq.password=" + password));
        if (!"/".equals(vhost)) {
            args.add("--spring.rabbitmq.virtual-host=" + vhost);
        }
        if (!addresses.isEmpty()) {
            args.add("--spring.rabbitmq.requested-heartbeat=" + CLUSTER_HEARTBEAT_SECONDS + "s");
            // The nodes are tried in order: a cut-off first node must not hold up the others for Spring's 60 s.
            args.add("--spring.rabbitmq.connection-timeout=" + CLUSTER_CONNECT_TIMEOUT_MS + "ms");
        }
        return args;
    }

    /** A factory for this broker and virtual host, with the client's defaults otherwise. */
    public ConnectionFactory connectionFactory() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(user);
        factory.setPassword(password);
        factory.setVirtualHost(vhost);
        return factory;
    }

    /** The argument that gives a Mailroom process these nodes, tried in this order (Spring Boot's default). */
    public static String addressesArg(List<String> nodes) {
        return ADDRESSES_ARG + String.join(",", nodes);
    }

    public static final String ADDRESSES_ARG = "--spring.rabbitmq.addresses=";

    /** The AMQP heartbeat of every connection to a cluster (Mailroom's processes and the bench's client), in seconds. */
    public static final int CLUSTER_HEARTBEAT_SECONDS = 5;

    /** How long a connection attempt to one node of a cluster may take before the next is tried, in milliseconds. */
    public static final int CLUSTER_CONNECT_TIMEOUT_MS = 5000;

    /** A connection to the first of its nodes that answers, in order. */
    public Connection connect(String connectionName) throws IOException {
        try {
            return connectionFactory().newConnection(nodes(), connectionName);
        } catch (TimeoutException e) {
            throw new IOException("timed out connecting to AMQP " + host + ":" + port, e);
        }
    }

    public String describe() {
        return rabbitMq
                ? "RabbitMQ " + (addresses.isEmpty() ? host + ":" + port : String.join(",", addresses)) + " vhost "
                        + vhost
                : "embedded Qpid " + host + ":" + port;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
