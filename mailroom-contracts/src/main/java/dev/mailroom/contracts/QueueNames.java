package dev.mailroom.contracts;

/** The queues of the Contract (AMQP 0-9-1, default exchange, routing key = queue name). */
public final class QueueNames {
    public static final String MAILBOX = "mailroom.mailbox";
    public static final String DISPATCHING = "mailroom.dispatching";
    public static final String TRACKING = "mailroom.tracking";
    /**
     * Mailroom's own control messages: setting changes ({@value MessageTypes#SETTING_V1}) and
     * dead-letter actions ({@value MessageTypes#DEAD_LETTER_V1}), published by the API and
     * consumed by the operator. Applications never publish here (grant their broker user write
     * access to {@link #MAILBOX} only); the operator dead-letters those types found on the mailbox.
     */
    public static final String CONTROL = "mailroom.control";
    /**
     * Where a component without a database (dispatcher, webhook sink) dead-letters a queue message it
     * cannot read; the operator stores each in its dead-letter table. Headers say why. On
     * RabbitMQ it is bounded and has a dead-letter queue of its own ({@code mailroom.dead-letters.dlq}).
     */
    public static final String DEAD_LETTERS = "mailroom.dead-letters";
    /** Fanout exchange of {@link SettingsSnapshot}s; each dispatcher binds its own temporary queue. */
    public static final String SETTINGS_EXCHANGE = "mailroom.settings";

    private QueueNames() {}
}
