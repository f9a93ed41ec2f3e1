package dev.mailroom.server.operator;

import dev.mailroom.contracts.ActivityBatch;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BatchListenerFactories;
import dev.mailroom.server.messaging.MessageTracing;
import dev.mailroom.server.messaging.QueueBodies;
import java.util.ArrayList;
import java.util.List;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Consumes activity reports in batches: one transaction and one multi-ack per batch. A queue
 * message holds one report ({@value MessageTypes#ACTIVITY_V1}) or several
 * ({@value MessageTypes#ACTIVITIES_V1}); a report that cannot be stored is dead-lettered on its own, so
 * one bad event does not hold back the others that came with it. What can be known beforehand
 * (column sizes, times, NUL) is checked before the database; a report the database refuses all
 * the same is found by {@link Isolation} and dead-lettered alone, and the rest is recorded.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class TrackingListener {
    private final ActivityRecorder recorder;
    private final DeadLetters deadLetters;
    private final NotificationFeed feed;
    private final MessageTracing tracing;

    TrackingListener(
            ActivityRecorder recorder, DeadLetters deadLetters, NotificationFeed feed, MessageTracing tracing) {
        this.tracing = tracing;
        this.recorder = recorder;
        this.deadLetters = deadLetters;
        this.feed = feed;
    }

    /** A report and where it came from: the whole queue message (index -1) or one report of a batch message. */
    private record Pending(ActivityReport report, Message origin, int index) {}

    @RabbitListener(id = "tracking", queues = QueueNames.TRACKING, containerFactory = BatchListenerFactories.OPERATOR)
    void onBatch(List<Message> messages) {
        // A span per report, in its email's trace (linked to the webhook's that reported it): MessageTracing.
        try (MessageTracing.Batch traces = tracing.batch("operator")) {
            onBatch(messages, traces);
        }
    }

    private void onBatch(List<Message> messages, MessageTracing.Batch traces) {
        List<Pending> reports = new ArrayList<>(messages.size());
        for (Message message : messages) {
            try {
                if (QueueBodies.envelopeOf(message) == ActivityBatch.ENVELOPE) {
                    List<ActivityReport> batch =
                            QueueBodies.read(message, ActivityBatch.ENVELOPE).activities();
                    for (int i = 0; i < batch.size(); i++) {
                        addChecked(batch.get(i), reports, message, i);
                    }
                } else {
                    reports.add(new Pending(checked(QueueBodies.read(message, ActivityReport.ENVELOPE)), message, -1));
                }
            } catch (RuntimeException e) {
                if (OperatorFailures.isInfrastructure(e)) {
                    throw e;
                }
                deadLetters.add(
                        QueueNames.TRACKING,
                        message,
                        e instanceof MalformedMessageException ? e.getMessage() : Isolation.summary(e));
            }
        }
        if (reports.isEmpty()) {
            return;
        }
        for (Pending p : reports) {
            traces.reported(p.origin(), p.report().id(), p.report().messageId(), QueueNames.TRACKING + " process");
        }
        OperatorFailures.pauseOnFailure(() -> {
            List<ActivityReport> recorded = new ArrayList<>();
            List<SuppressionList.Entry> suppressed = new ArrayList<>();
            for (int from = 0; from < reports.size(); from += ActivityRecorder.MAX_REPORTS_PER_TRANSACTION) {
                List<Pending> chunk = reports.subList(
                        from, Math.min(reports.size(), from + ActivityRecorder.MAX_REPORTS_PER_TRANSACTION));
                Isolation.run(
                        chunk,
                        part -> {
                            ActivityRecorder.Recorded done = recorder.recordTogether(
                                    part.stream().map(Pending::report).toList());
                            recorded.addAll(done.activities());
                            suppressed.addAll(done.suppressions());
                        },
                        (p, e) -> deadLetter(p, "the database refused it: " + Isolation.summary(e)));
            }
            // Committed, not yet acknowledged: a crash now redelivers, and the notifications go out again.
            feed.activitiesRecorded(recorded);
            feed.suppressionsChanged(suppressed, List.of());
        });
    }

    /** Adds a report of a batch, or dead-letters it alone (as a one-report message) if it cannot be stored. */
    private void addChecked(ActivityReport report, List<Pending> reports, Message batch, int index) {
        try {
            reports.add(new Pending(checked(report), batch, index));
        } catch (RuntimeException e) {
            if (OperatorFailures.isInfrastructure(e)) {
                throw e;
            }
            deadLetter(
                    new Pending(report, batch, index),
                    e instanceof MalformedMessageException ? e.getMessage() : Isolation.summary(e));
        }
    }

    private void deadLetter(Pending p, String reason) {
        if (p.index() < 0) {
            deadLetters.add(QueueNames.TRACKING, p.origin(), reason);
            return;
        }
        String batchId = p.origin().getMessageProperties().getMessageId();
        MessageProperties props = new MessageProperties();
        props.setMessageId(batchId + "#" + p.index());
        props.setType(p.report().type());
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        deadLetters.add(
                QueueNames.TRACKING,
                new Message(ContractJson.write(p.report()), props),
                "report " + p.index() + " of batch " + batchId + ": " + reason);
    }

    private static ActivityReport checked(ActivityReport report) {
        if (report == null || report.id() == null || report.status() == null) {
            throw new MalformedMessageException("an activity report needs an id and a status");
        }
        // Values the columns cannot hold are poison too: refused here, one message dead-lettered,
        // rather than a whole batch failing in the database again and again.
        FieldLimits.check("provider", report.provider(), ActivityReport.MAX_PROVIDER);
        FieldLimits.check("providerEvent", report.providerEvent(), ActivityReport.MAX_PROVIDER_EVENT);
        FieldLimits.check("providerMessageId", report.providerMessageId(), ActivityReport.MAX_PROVIDER_MESSAGE_ID);
        FieldLimits.check("recipient", report.recipient(), ActivityReport.MAX_RECIPIENT);
        return StorableValues.storableReport(report);
    }
}
