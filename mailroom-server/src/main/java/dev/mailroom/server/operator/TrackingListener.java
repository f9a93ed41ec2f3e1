package dev.mailroom.server.operator;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BatchListenerFactories;
import dev.mailroom.server.messaging.QueueBodies;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/** Consumes activity reports in batches: one transaction and one multi-ack per batch. */
@Component
@ConditionalOnRole(Role.OPERATOR)
class TrackingListener {
    private final ActivityRecorder recorder;
    private final DeadLetters deadLetters;

    TrackingListener(ActivityRecorder recorder, DeadLetters deadLetters) {
        this.recorder = recorder;
        this.deadLetters = deadLetters;
    }

    @RabbitListener(id = "tracking", queues = QueueNames.TRACKING, containerFactory = BatchListenerFactories.OPERATOR)
    void onBatch(List<Message> messages) {
        List<ActivityReport> reports = new ArrayList<>(messages.size());
        for (Message message : messages) {
            try {
                ActivityReport report = QueueBodies.read(message, MessageTypes.ACTIVITY_V1, ActivityReport.class);
                if (report.id() == null || report.status() == null) {
                    throw new MalformedMessageException("an activity report needs an id and a status");
                }
                // Values the columns cannot hold are poison too: refused here, one message parked,
                // rather than a whole batch failing in the database again and again.
                FieldLimits.check("provider", report.provider(), 32);
                FieldLimits.check("providerEvent", report.providerEvent(), 64);
                FieldLimits.check("providerMessageId", report.providerMessageId(), 255);
                FieldLimits.check("recipient", report.recipient(), 320);
                reports.add(report);
            } catch (MalformedMessageException e) {
                deadLetters.park(QueueNames.TRACKING, message, e.getMessage());
            }
        }
        if (!reports.isEmpty()) {
            OperatorFailures.pauseOnFailure(() -> recorder.record(reports));
        }
    }
}
