package dev.mailroom.server.notifier;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.NotifierProperties;
import dev.mailroom.server.Role;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs {@link Notifier#retryDue} every {@code retry-interval} on a thread of its own (an attempt may take seconds; it
 * must not hold a scheduler other roles share), at once again after a full batch.
 */
@Component
@ConditionalOnRole(Role.NOTIFIER)
class RetryLoop implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(RetryLoop.class);

    private final Notifier notifier;
    private final NotifierProperties properties;
    private volatile Thread thread;

    RetryLoop(Notifier notifier, NotifierProperties properties) {
        this.notifier = notifier;
        this.properties = properties;
    }

    @Override
    public void start() {
        Thread t = new Thread(this::run, "notifier-retries");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void stop() {
        Thread t = thread;
        thread = null;
        if (t != null) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }

    private void run() {
        while (thread == Thread.currentThread()) {
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
