package dev.mailroom.contracts;

/**
 * The queues of the Contract (AMQP 0-9-1, routing key = queue name). The mailbox's two lanes are published to
 * through the mailbox's own exchange ({@link #MAILBOX_EXCHANGE}), every other queue through the default exchange:
 * {@link #exchangeOf} says which.
 */
public final class QueueNames {
    public static final String MAILBOX = "mailroom.mailbox";
    public static final String DISPATCHING = "mailroom.dispatching";
    public static final String TRACKING = "mailroom.tracking";
    /**
     * The bulk lanes of {@link #MAILBOX} and {@link #DISPATCHING}: the same messages, for an organization that
     * sends many at once (a newsletter, an import). Each lane has consumers of its own, so an organization's
     * occasional email (the prompt lanes) never waits behind another's hundred thousand. Mailroom's API and
     * Java client choose the lane by the organization's (the client's) current rate; an application
     * publishing in bulk by hand should publish to {@link #MAILBOX_BULK}.
     */
    public static final String MAILBOX_BULK = "mailroom.mailbox.bulk";

    public static final String DISPATCHING_BULK = "mailroom.dispatching.bulk";
    /**
     * Mailroom's own control messages: setting changes ({@value MessageTypes#SETTING_V1}),
     * dead-letter actions ({@value MessageTypes#DEAD_LETTER_V1}), message, suppression and erasure requests,
     * published by the API and consumed by the operator. Applications never publish here (grant their broker user write
     * access to {@link #MAILBOX_EXCHANGE} only); the operator dead-letters those types found on the mailbox.
     */
    public static final String CONTROL = "mailroom.control";
    /**
     * Where a component without a database (dispatcher, webhook sink) dead-letters a queue message it
     * cannot read; the operator stores each in its dead-letter table. Headers say why. On
     * RabbitMQ it is bounded and has a dead-letter queue of its own ({@code mailroom.dead-letters.dlq}).
     */
    public static final String DEAD_LETTERS = "mailroom.dead-letters";
    /**
     * Events for organizations' own webhook endpoints ({@value MessageTypes#NOTIFICATIONS_V1}): published by the
     * operator after it recorded them and by the API (test sends, replays), consumed by the notifier role. Mailroom's
     * own: applications never publish here.
     */
    public static final String NOTIFICATIONS = "mailroom.notifications";
    /**
     * The mailbox's own direct exchange (exchanges and queues have separate names, so it shares the queue's): bound to
     * {@link #MAILBOX} with routing key {@value #MAILBOX} and to {@link #MAILBOX_BULK} with {@value #MAILBOX_BULK}.
     * RabbitMQ authorizes a publish by its exchange only; through the default exchange, a broker user allowed to put
     * mail on the mailbox could publish to every queue of the vhost, including those Mailroom trusts
     * ({@link #DISPATCHING}, {@link #TRACKING}). Publishing through this exchange, an application needs write
     * permission on it alone ({@code rabbitmqctl set_permissions -p <vhost> app '^$' '^mailroom\.mailbox$' '^$'}).
     * Messages that still come through the default exchange (older clients) land on the same queues and are read
     * the same.
     */
    public static final String MAILBOX_EXCHANGE = "mailroom.mailbox";
    /** Fanout exchange of {@link SettingsSnapshot}s; each dispatcher binds its own temporary queue. */
    public static final String SETTINGS_EXCHANGE = "mailroom.settings";
    /**
     * AMQP header set by Mailroom's publishers and the Java client: when the message was published, in milliseconds
     * since the epoch (a long). AMQP's own {@code timestamp} property has whole seconds only; consumers measure their
     * lag (publish to take) with this. Optional: a message without it is simply not measured.
     */
    public static final String PUBLISHED_AT_HEADER = "x-mailroom-published-at";

    private QueueNames() {}

    /**
     * The exchange a message for {@code queue} is published to, with the queue's name as routing key:
     * {@link #MAILBOX_EXCHANGE} for the mailbox's lanes, {@code ""} (the default exchange) for every other queue.
     * The one place that says so; envelopes and publishers ask here.
     */
    public static String exchangeOf(String queue) {
        return MAILBOX.equals(queue) || MAILBOX_BULK.equals(queue) ? MAILBOX_EXCHANGE : "";
    }

    /** The bulk lane of a queue that has one ({@link #MAILBOX}, {@link #DISPATCHING}). */
    public static String bulkLaneOf(String queue) {
        return switch (queue) {
            case MAILBOX -> MAILBOX_BULK;
            case DISPATCHING -> DISPATCHING_BULK;
            default -> throw new IllegalArgumentException(queue + " has no bulk lane");
        };
    }
}
