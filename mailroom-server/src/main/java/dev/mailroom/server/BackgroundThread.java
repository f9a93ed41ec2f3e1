package dev.mailroom.server;

import java.util.concurrent.TimeUnit;
import org.springframework.context.SmartLifecycle;

/**
 * A piece of work that runs on a daemon thread of its own from the application's start until its stop (a loop that
 * may wait seconds on the database or an endpoint, where a scheduler's shared threads would hold others back). Stop
 * interrupts the thread and waits up to 5 s for it to end.
 */
public abstract class BackgroundThread implements SmartLifecycle {
    private final String name;
    private volatile Thread thread;

    protected BackgroundThread(String name) {
        this.name = name;
    }

    /** Loops while {@link #running()}; an interrupt means stop. */
    protected abstract void runUntilStopped();

    /** Whether the calling thread, this one's, should go on. */
    protected final boolean running() {
        return thread == Thread.currentThread();
    }

    @Override
    public void start() {
        Thread t = new Thread(this::runUntilStopped, name);
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
}
