package dev.mailroom.server.notifier;

import dev.mailroom.server.BackgroundThread;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.NotifierProperties;
import dev.mailroom.server.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs {@link Notifier#retryDue} every {@code retry-interval} on a thread of its own (an attempt may take seconds; it
 * must not hold a scheduler other roles share), at once again after a full batch.
 */
@Component
@ConditionalOnRole(Role.NOTIFIER)
class RetryLoop extends BackgroundThread {
    private static final Logger log = LoggerFactory.getLogger(RetryLoop.class);

    private final Notifier notifier;
    private final NotifierProperties properties;

    RetryLoop(Notifier notifier, NotifierProperties properties) {
        super("notifier-retries");
        this.notifier = notifier;
        this.properties = properties;
    }

    @Override
    protected void runUntilStopped() {
        while (running()) {
            try {
                int due = notifier.retryDue();
                if (due >= properties.retryBatchSize()) {
                    continue;
                }
            } catch (RuntimeException e) {
                log.warn("Webhook retry pass failed, trying again in {}: {}", properties.retryInterval(), e.toString());
            }
            try {
                Thread.sleep(properties.retryInterval().toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
