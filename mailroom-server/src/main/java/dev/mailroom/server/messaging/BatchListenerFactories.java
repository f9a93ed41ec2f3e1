package dev.mailroom.server.messaging;

import dev.mailroom.server.MailroomProperties;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.rabbit.config.SimpleRabbitListenerContainerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Consumers take messages in batches: one database transaction and one multi-ack per batch is
 * what lets the pipeline reach thousands of emails a second. The container acknowledges the
 * whole batch only after the listener returned (after its commit and its confirmed publishes);
 * if the listener throws, the batch is returned to the queue and redelivered.
 */
@Configuration(proxyBeanMethods = false)
public class BatchListenerFactories {
    public static final String OPERATOR = "operatorBatchFactory";
    public static final String DISPATCHER = "dispatcherBatchFactory";

    /** How long a consumer waits for the next message before it processes a partial batch. */
    private static final long FILL_WAIT_MILLIS = 10;
    /**
     * How long a consumer gathers one batch at most: the latency a hop adds. Without this bound, a
     * steady trickle (a message every few ms, each sooner than {@link #FILL_WAIT_MILLIS}) keeps a
     * batch of 200 filling for most of a second.
     */
    private static final long BATCH_WAIT_MILLIS = 20;

    private static final long SHUTDOWN_TIMEOUT_MILLIS = 20_000;

    @Bean(OPERATOR)
    SimpleRabbitListenerContainerFactory operatorBatchFactory(
            ConnectionFactory connectionFactory, MailroomProperties properties, QueueMetrics queueMetrics) {
        return batchFactory(
                connectionFactory,
                properties.operator().batchSize(),
                properties.operator().consumers(),
                queueMetrics);
    }

    @Bean(DISPATCHER)
    SimpleRabbitListenerContainerFactory dispatcherBatchFactory(
            ConnectionFactory connectionFactory, MailroomProperties properties, QueueMetrics queueMetrics) {
        return batchFactory(
                connectionFactory,
                properties.dispatcher().batchSize(),
                properties.dispatcher().consumers(),
                queueMetrics);
    }

    /**
     * A batch consumer's factory like the operator's and the dispatcher's, for a role with settings of its own; its
     * consumers' lag is measured by {@code queueMetrics}.
     */
    public static SimpleRabbitListenerContainerFactory batchFactory(
            ConnectionFactory connectionFactory, int batchSize, int consumers, QueueMetrics queueMetrics) {
        SimpleRabbitListenerContainerFactory factory = batchFactory(connectionFactory, batchSize, consumers);
        factory.setAfterReceivePostProcessors(queueMetrics);
        return factory;
    }

    /** A batch consumer's factory like the operator's and the dispatcher's, for a role with settings of its own. */
    public static SimpleRabbitListenerContainerFactory batchFactory(
            ConnectionFactory connectionFactory, int batchSize, int consumers) {
        SimpleRabbitListenerContainerFactory factory = new SimpleRabbitListenerContainerFactory();
        factory.setConnectionFactory(connectionFactory);
        factory.setAcknowledgeMode(AcknowledgeMode.AUTO);
        factory.setBatchListener(true);
        factory.setConsumerBatchEnabled(true);
        factory.setBatchSize(batchSize);
        factory.setPrefetchCount(batchSize * 2);
        factory.setReceiveTimeout(FILL_WAIT_MILLIS);
        factory.setBatchReceiveTimeout(BATCH_WAIT_MILLIS);
        factory.setConcurrentConsumers(consumers);
        factory.setDefaultRequeueRejected(true);
        factory.setMissingQueuesFatal(false);
        // On shutdown a consumer finishes the batch in hand (commit, publish, ack) before the
        // channel closes; what it has not started goes back to the queue.
        factory.setContainerCustomizer(container -> container.setShutdownTimeout(SHUTDOWN_TIMEOUT_MILLIS));
        return factory;
    }
}
