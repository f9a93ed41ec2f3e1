package dev.mailroom.server.messaging;

import com.rabbitmq.client.AMQP;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.QueueMessage;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * AMQP request/reply between Mailroom's own processes (the API asks, the operator answers). Asking is
 * Spring AMQP's {@link RabbitTemplate#sendAndReceive}: on RabbitMQ it uses direct reply-to
 * ({@code amq.rabbitmq.reply-to}, no queue per request); on a broker without it (the embedded Qpid)
 * the template finds that out once and uses a temporary exclusive reply queue per request. A template
 * of its own, because its reply timeout and reply consumer are not the publishers' business.
 */
@Component
public class RequestReply implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(RequestReply.class);
    private final RabbitTemplate template;

    RequestReply(ConnectionFactory connectionFactory) {
        this.template = new RabbitTemplate(connectionFactory);
    }

    /**
     * Sends {@code request} to its queue and waits up to {@code wait} for the reply.
     *
     * @return the reply, or empty when none came in time
     * @throws PublishFailedException when the broker cannot be reached
     */
    public <R extends QueueMessage> Optional<R> ask(QueueMessage request, Class<R> replyType, Duration wait) {
        OutgoingMessage wire = OutgoingMessage.of(request);
        MessageProperties props = new MessageProperties();
        props.setMessageId(wire.messageId());
        props.setType(wire.type());
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        // Not persistent: a request outlives neither its expiry nor the caller waiting for it.
        props.setDeliveryMode(MessageDeliveryMode.NON_PERSISTENT);
        Message reply;
        try {
            // The timeout is per template; set before each call, all calls of one process use one value anyway.
            template.setReplyTimeout(wait.toMillis());
            reply = template.sendAndReceive(wire.exchange(), wire.queue(), new Message(wire.body(), props));
        } catch (AmqpException e) {
            throw new PublishFailedException("cannot ask the operator through the broker: " + e.getMessage(), e);
        }
        if (reply == null) {
            return Optional.empty();
        }
        if (!replyTypeName(replyType).equals(reply.getMessageProperties().getType())) {
            throw new MalformedMessageException(
                    "unexpected reply type '" + reply.getMessageProperties().getType() + "' to " + wire.type());
        }
        return Optional.of(ContractJson.read(reply.getBody(), replyType));
    }

    private static String replyTypeName(Class<? extends QueueMessage> replyType) {
        return dev.mailroom.contracts.MessageTypes.envelopes().stream()
                .filter(e -> e.body().equals(replyType))
                .findFirst()
                .orElseThrow()
                .type();
    }

    /**
     * Sends {@code reply} to the address {@code request} asked for, with its correlation id. Not mandatory
     * and not confirmed: the asker may have given up and gone (its temporary queue deleted), and then
     * nobody needs the answer; the decision itself is already committed.
     *
     * @return false when the request named no reply address or the broker could not be reached
     */
    public boolean reply(Message request, QueueMessage reply) {
        String replyTo = request.getMessageProperties().getReplyTo();
        if (replyTo == null || replyTo.isBlank()) {
            return false;
        }
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .type(reply.type())
                .contentType("application/json")
                .messageId(reply.amqpMessageId())
                .correlationId(request.getMessageProperties().getCorrelationId())
                .deliveryMode(1)
                .build();
        byte[] body = ContractJson.write(reply);
        try {
            template.execute(channel -> {
                channel.basicPublish("", replyTo, false, props, body);
                return null;
            });
            return true;
        } catch (AmqpException e) {
            log.warn(
                    "Could not answer {} at {}: {}",
                    request.getMessageProperties().getMessageId(),
                    replyTo,
                    e.getMessage());
            return false;
        }
    }

    @Override
    public void destroy() {
        template.destroy();
    }
}
