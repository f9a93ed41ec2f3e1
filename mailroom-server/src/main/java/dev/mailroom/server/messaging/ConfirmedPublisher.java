package dev.mailroom.server.messaging;

import dev.mailroom.contracts.QueueMessage;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.MailroomProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes and waits for the broker: a publish counts only once the broker has confirmed it
 * and did not return it as unroutable (mandatory). A batch is published on one channel and its
 * confirms awaited together, so a batch costs one round trip rather than one per message.
 */
@Component
public class ConfirmedPublisher {
    private final RabbitTemplate rabbit;
    private final long confirmTimeoutMillis;
    private final MeterRegistry meters;
    private final MessageTracing tracing;

    ConfirmedPublisher(
            RabbitTemplate rabbit, MailroomProperties properties, MeterRegistry meters, MessageTracing tracing) {
        this.rabbit = rabbit;
        this.tracing = tracing;
        this.meters = meters;
        this.rabbit.setMandatory(true);
        this.confirmTimeoutMillis = properties.broker().confirmTimeout().toMillis();
    }

    /** Publishes one message under its own envelope (queue, type, message id) and returns once it is confirmed. */
    public void publish(QueueMessage message) {
        publishAll(List.of(message));
    }

    /**
     * Publishes one message under its own envelope with headers computed from what goes on the wire
     * (the mailbox proof signs the message id, type and exact body bytes), and returns once it is confirmed.
     */
    public void publish(QueueMessage message, Function<OutgoingMessage, Map<String, String>> headers) {
        publishAll(List.of(message), headers, Lane.PROMPT);
    }

    /** As {@link #publish(QueueMessage, Function)}, on the given lane of the message's queue. */
    public void publish(QueueMessage message, Function<OutgoingMessage, Map<String, String>> headers, Lane lane) {
        publishAll(List.of(message), headers, lane);
    }

    /**
     * Publishes every message under its own envelope, each with headers computed from what goes on its
     * wire (as {@link #publish(QueueMessage, Function)}), and returns once all are confirmed.
     *
     * @throws PublishFailedException if any was not confirmed (see {@link #publishAll(List)})
     */
    public void publishAll(
            List<? extends QueueMessage> messages, Function<OutgoingMessage, Map<String, String>> headers) {
        publishAll(messages, headers, Lane.PROMPT);
    }

    /** As {@link #publishAll(List, Function)}, on the given lane of each message's queue. */
    public void publishAll(
            List<? extends QueueMessage> messages, Function<OutgoingMessage, Map<String, String>> headers, Lane lane) {
        List<OutgoingMessage> wires = new ArrayList<>(messages.size());
        List<List<UUID>> emails = new ArrayList<>(messages.size());
        for (QueueMessage message : messages) {
            OutgoingMessage wire = OutgoingMessage.of(message);
            Map<String, Object> all = new HashMap<>(wire.headers());
            all.putAll(headers.apply(wire));
            OutgoingMessage signed = new OutgoingMessage(wire.queue(), wire.messageId(), wire.type(), wire.body(), all);
            wires.add(lane == Lane.BULK ? signed.onBulkLane() : signed);
            emails.add(MessageTracing.emailsOf(message));
        }
        send(wires, emails);
    }

    /** Publishes every message on the given lane of its queue and returns once all are confirmed. */
    public void publishAll(List<? extends QueueMessage> messages, Lane lane) {
        List<OutgoingMessage> wire = new ArrayList<>(messages.size());
        List<List<UUID>> emails = new ArrayList<>(messages.size());
        for (QueueMessage m : messages) {
            wire.add(lane == Lane.BULK ? OutgoingMessage.of(m).onBulkLane() : OutgoingMessage.of(m));
            emails.add(MessageTracing.emailsOf(m));
        }
        send(wire, emails);
    }

    /**
     * Publishes every message under its own envelope and returns once all are confirmed.
     *
     * @throws PublishFailedException if any was not confirmed; some others may have been, which
     *                                is safe because every consumer is idempotent on message_id
     */
    public void publishAll(List<? extends QueueMessage> messages) {
        List<OutgoingMessage> wire = new ArrayList<>(messages.size());
        List<List<UUID>> emails = new ArrayList<>(messages.size());
        for (QueueMessage m : messages) {
            wire.add(OutgoingMessage.of(m));
            emails.add(MessageTracing.emailsOf(m));
        }
        send(wire, emails);
    }

    /**
     * Publishes bytes as they are, under the given queue, type and id: only for a message that is
     * not (or no longer known to be) a readable contract record, such as an unreadable original
     * being dead-lettered or a dead-lettered message being replayed.
     *
     * @throws PublishFailedException if it was not confirmed
     */
    public void publishRaw(OutgoingMessage message) {
        send(List.of(message), List.of(List.of()));
    }

    /**
     * @param emails per message, the emails it is about: its trace context is theirs ({@link MessageTracing});
     *     the spans end once the broker answered
     */
    private void send(List<OutgoingMessage> messages, List<List<UUID>> emails) {
        List<Span> spans = new ArrayList<>(messages.size());
        try {
            List<OutgoingMessage> traced = new ArrayList<>(messages.size());
            for (int i = 0; i < messages.size(); i++) {
                OutgoingMessage m = messages.get(i);
                Map<String, Object> headers = new HashMap<>(m.headers());
                spans.addAll(tracing.inject(m.queue(), emails.get(i), headers));
                traced.add(new OutgoingMessage(m.queue(), m.messageId(), m.type(), m.body(), headers));
            }
            sendTraced(traced);
        } catch (RuntimeException e) {
            spans.forEach(span -> span.error(e));
            throw e;
        } finally {
            spans.forEach(Span::end);
        }
    }

    private void sendTraced(List<OutgoingMessage> messages) {
        List<CorrelationData> pending = new ArrayList<>(messages.size());
        try {
            // One channel for the whole batch. Sent one by one through the template, each message
            // would take a channel of its own: a channel with unconfirmed publishes is not handed
            // back to the cache until its confirms arrive, so the next send opens a new one (two
            // broker round trips). That cost more than everything else a publish does.
            rabbit.invoke(channel -> {
                for (OutgoingMessage m : messages) {
                    CorrelationData correlation = new CorrelationData(m.messageId());
                    channel.send(m.exchange(), m.queue(), toAmqp(m), correlation);
                    pending.add(correlation);
                }
                return null;
            });
        } catch (AmqpException e) {
            throw new PublishFailedException("cannot publish to the broker: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(confirmTimeoutMillis);
        for (CorrelationData correlation : pending) {
            awaitConfirm(correlation, deadline);
        }
        // Queue messages per email is a cost the benchmark reports; counted once confirmed, one
        // meter lookup per queue of the batch rather than per message (this is the hot path).
        messages.stream()
                .collect(Collectors.groupingBy(OutgoingMessage::queue, Collectors.counting()))
                .forEach((queue, count) -> meters.counter("mailroom.broker.published", "queue", queue)
                        .increment(count));
    }

    private static void awaitConfirm(CorrelationData correlation, long deadlineNanos) {
        try {
            CorrelationData.Confirm confirm =
                    correlation.getFuture().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!confirm.ack()) {
                throw new PublishFailedException(
                        "the broker refused message " + correlation.getId() + ": " + confirm.reason());
            }
            if (correlation.getReturned() != null) {
                throw new PublishFailedException("message " + correlation.getId() + " was unroutable: "
                        + correlation.getReturned().getReplyText() + " (routing key "
                        + correlation.getReturned().getRoutingKey() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("interrupted waiting for the broker's confirm", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new PublishFailedException("no confirm from the broker for message " + correlation.getId(), e);
        }
    }

    private static Message toAmqp(OutgoingMessage m) {
        MessageProperties props = new MessageProperties();
        props.setMessageId(m.messageId());
        props.setType(m.type());
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        m.headers().forEach(props::setHeader);
        // After the message's own headers: a dead letter published again is measured from now (QueueMetrics).
        props.setHeader(QueueNames.PUBLISHED_AT_HEADER, System.currentTimeMillis());
        return new Message(m.body(), props);
    }
}
