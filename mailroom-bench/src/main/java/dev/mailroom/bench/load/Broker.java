package dev.mailroom.bench.load;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

/**
 * The AMQP broker under Mailroom: RabbitMQ (quorum queues) or Mailroom's embedded Qpid (plain
 * durable queues). The benchmark's own connections (load, ceilings, queue depths) use this.
 */
record Broker(String host, int port, String user, String password, String vhost, boolean rabbit) {

    static Broker rabbitMq(String amqpUri) {
        URI uri = URI.create(amqpUri);
        String[] userInfo = uri.getRawUserInfo() == null ? new String[] {"guest", "guest"} : uri.getRawUserInfo().split(":", 2);
        String path = uri.getRawPath();
        String vhost = path == null || path.isEmpty() || path.equals("/") ? "/" : URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
        return new Broker(uri.getHost(), uri.getPort() < 0 ? 5672 : uri.getPort(), decode(userInfo[0]),
                userInfo.length > 1 ? decode(userInfo[1]) : "", vhost, true);
    }

    /**
     * The embedded broker of a Mailroom the benchmark starts: Mailroom is given these credentials
     * ({@link #embeddedArgs()}), since its own are generated per installation.
     */
    static Broker embedded(int port) {
        return new Broker("127.0.0.1", port, "bench", "bench-" + java.util.UUID.randomUUID(), "/", false);
    }

    /** Mailroom's arguments for an embedded broker with this port and these credentials. */
    java.util.List<String> embeddedArgs() {
        return java.util.List.of("--mailroom.embedded.amqp-port=" + port, "--spring.rabbitmq.username=" + user,
                "--spring.rabbitmq.password=" + password);
    }

    /** For mailroom-client: no trailing slash, the vhost only when it is not the default one. */
    String uri() {
        String base = "amqp://" + enc(user) + ":" + enc(password) + "@" + host + ":" + port;
        return vhost.equals("/") ? base : base + "/" + enc(vhost);
    }

    Connection connect(String name) throws IOException {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(user);
        factory.setPassword(password);
        factory.setVirtualHost(vhost);
        try {
            return factory.newConnection(name);
        } catch (TimeoutException e) {
            throw new IOException("timed out connecting to AMQP " + host + ":" + port, e);
        }
    }

    String describe() {
        return rabbit ? "RabbitMQ " + host + ":" + port + " vhost " + vhost : "embedded Qpid " + host + ":" + port;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
