package dev.mailroom.contracts;

/** The queues of the Contract (AMQP 0-9-1, default exchange, routing key = queue name). */
public final class QueueNames {
    public static final String MAILBOX = "mailroom.mailbox";
    public static final String DISPATCHING = "mailroom.dispatching";
    public static final String TRACKING = "mailroom.tracking";
    /**
     * Where a component without a database (dispatcher, webhook sink) parks a queue message it
     * cannot read; the operator stores each in its dead-letter table. Headers say why.
     */
    public static final String PARKED = "mailroom.parked";
    /** Fanout exchange of {@link SettingsSnapshot}s; each dispatcher binds its own temporary queue. */
    public static final String SETTINGS_EXCHANGE = "mailroom.settings";

    private QueueNames() {
    }
}
