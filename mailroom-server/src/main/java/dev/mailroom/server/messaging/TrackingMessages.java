package dev.mailroom.server.messaging;

import dev.mailroom.contracts.ActivityBatch;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.QueueMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs activity reports into tracking-queue messages. Reports produced together (one webhook
 * call, one dispatcher batch) travel as one {@link ActivityBatch}: one publish and one confirm
 * instead of one per report, which is most of what the broker would otherwise spend per email.
 * A single report keeps the original one-report form.
 */
public final class TrackingMessages {
    /** Bounds a queue message (and the operator's work per message) whatever a provider batches. */
    static final int MAX_REPORTS_PER_MESSAGE = 500;

    private TrackingMessages() {}

    /** The queue messages to publish: the report itself, or {@link ActivityBatch}es of at most {@value #MAX_REPORTS_PER_MESSAGE}. */
    public static List<QueueMessage> of(List<ActivityReport> reports) {
        if (reports.size() == 1) {
            return List.of(reports.get(0));
        }
        List<QueueMessage> messages = new ArrayList<>();
        for (int from = 0; from < reports.size(); from += MAX_REPORTS_PER_MESSAGE) {
            messages.add(
                    new ActivityBatch(reports.subList(from, Math.min(reports.size(), from + MAX_REPORTS_PER_MESSAGE))));
        }
        return messages;
    }
}
