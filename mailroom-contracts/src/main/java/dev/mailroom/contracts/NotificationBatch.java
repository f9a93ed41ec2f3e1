package dev.mailroom.contracts;

import java.util.List;

/**
 * Body of {@value MessageTypes#NOTIFICATIONS_V1} on {@value QueueNames#NOTIFICATIONS}: events for organizations'
 * webhook endpoints, published by the operator once it recorded what caused them (and by the API for test sends and
 * replays), consumed by the notifier.
 *
 * @param notifications the events, in the order they happened as far as the publisher knows
 */
public record NotificationBatch(List<Notification> notifications) implements QueueMessage {
    public static final Envelope<NotificationBatch> ENVELOPE =
            Envelope.onQueue(QueueNames.NOTIFICATIONS, MessageTypes.NOTIFICATIONS_V1, NotificationBatch.class);

    public NotificationBatch {
        notifications = notifications == null ? List.of() : List.copyOf(notifications);
    }

    @Override
    public Envelope<NotificationBatch> envelope() {
        return ENVELOPE;
    }

    /**
     * Derived from its notifications' ids (and their endpoint, so a replay to one endpoint is not taken for the
     * first publish): publishing the same notifications again gives the same id.
     */
    @Override
    public String amqpMessageId() {
        String[] parts = new String[notifications.size() + 1];
        parts[0] = "notification-batch";
        for (int i = 0; i < notifications.size(); i++) {
            Notification n = notifications.get(i);
            parts[i + 1] = n.endpointId() == null ? String.valueOf(n.id()) : n.id() + "@" + n.endpointId();
        }
        return Ids.of(parts).toString();
    }
}
