package dev.mailroom.server.support;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.springframework.core.env.Environment;

/** The AMQP URI of the test Mailroom's broker, as an application would be given it (Java client). */
public final class BrokerUri {
    private BrokerUri() {}

    /** With the virtual host, when one is set (a run on RabbitMQ in a vhost of its own). */
    public static String of(Environment env) {
        String vhost = env.getProperty("spring.rabbitmq.virtual-host");
        return "amqp://" + env.getProperty("spring.rabbitmq.username") + ":"
                + env.getProperty("spring.rabbitmq.password") + "@" + env.getProperty("spring.rabbitmq.host") + ":"
                + env.getProperty("spring.rabbitmq.port")
                + (vhost == null || vhost.isEmpty() ? "" : "/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8));
    }
}
