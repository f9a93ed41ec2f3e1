package dev.mailroom.contracts;

import java.util.List;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#ACTIVITIES_V1} on {@value QueueNames#TRACKING}: several activity
 * reports in one queue message. A webhook call of a hundred events, or a dispatcher's batch of
 * outcomes, is one publish and one broker confirm instead of a hundred. Each report keeps its own
 * deterministic id, so a redelivered batch, or one event in two batches, is still stored once.
 *
 * @param activities the reports, in the order they were produced
 */
public record ActivityBatch(List<ActivityReport> activities) implements QueueMessage {
    public static final Envelope<ActivityBatch> ENVELOPE =
            Envelope.onQueue(QueueNames.TRACKING, MessageTypes.ACTIVITIES_V1, ActivityBatch.class);

    public ActivityBatch {
        activities = activities == null ? List.of() : List.copyOf(activities);
    }

    @Override
    public Envelope<ActivityBatch> envelope() {
        return ENVELOPE;
    }

    /** The same as {@link #messageId()}. */
    @Override
    public String amqpMessageId() {
        return messageId();
    }

    /**
     * The AMQP message_id of this batch: derived from its reports' ids, so publishing the same
     * reports again (a retried webhook call) gives the same id.
     */
    public String messageId() {
        String[] parts = new String[activities.size() + 1];
        parts[0] = "activity-batch";
        for (int i = 0; i < activities.size(); i++) {
            UUID id = activities.get(i).id();
            parts[i + 1] = String.valueOf(id);
        }
        return Ids.of(parts).toString();
    }
}
