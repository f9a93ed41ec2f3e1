package dev.mailroom.server.operator;

import dev.mailroom.contracts.CancelMessage;
import dev.mailroom.contracts.DeadLetterAction;
import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.MessageTypes;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.SettingChange;
import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BatchListenerFactories;
import dev.mailroom.server.messaging.QueueBodies;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Consumes the mailbox in batches: submissions, cancels, setting changes and dead-letter actions. Unreadable or
 * invalid messages are parked, not looped.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class MailboxListener {
    private final MessageIntake intake;
    private final DeadLetters deadLetters;
    private final SettingsKeeper settings;
    private final DeadLetterResolver resolver;

    MailboxListener(MessageIntake intake, DeadLetters deadLetters, SettingsKeeper settings, DeadLetterResolver resolver) {
        this.intake = intake;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.resolver = resolver;
    }

    @RabbitListener(id = "mailbox", queues = QueueNames.MAILBOX, containerFactory = BatchListenerFactories.OPERATOR)
    void onBatch(List<Message> messages) {
        List<SubmitMessage> submissions = new ArrayList<>(messages.size());
        List<CancelMessage> cancels = new ArrayList<>();
        List<SettingChange> settingChanges = new ArrayList<>();
        List<DeadLetterAction> deadLetterActions = new ArrayList<>();
        for (Message message : messages) {
            try {
                String type = message.getMessageProperties().getType();
                if (MessageTypes.CANCEL_V1.equals(type)) {
                    cancels.add(validated(QueueBodies.read(message, MessageTypes.CANCEL_V1, CancelMessage.class)));
                } else if (MessageTypes.DEAD_LETTER_V1.equals(type)) {
                    deadLetterActions.add(DeadLetterResolver.validated(
                            QueueBodies.read(message, MessageTypes.DEAD_LETTER_V1, DeadLetterAction.class)));
                } else if (MessageTypes.SETTING_V1.equals(type)) {
                    settingChanges.add(settings.validated(QueueBodies.read(message, MessageTypes.SETTING_V1, SettingChange.class)));
                } else {
                    submissions.add(validated(QueueBodies.read(message, MessageTypes.SUBMIT_V1, SubmitMessage.class)));
                }
            } catch (MalformedMessageException e) {
                deadLetters.park(QueueNames.MAILBOX, message, e.getMessage());
            }
        }
        // Submissions first: a cancel may follow its own submission in the same batch.
        OperatorFailures.pauseOnFailure(() -> {
            intake.accept(submissions);
            if (!cancels.isEmpty()) {
                intake.cancel(cancels);
            }
            if (!settingChanges.isEmpty()) {
                settings.apply(settingChanges);
            }
            if (!deadLetterActions.isEmpty()) {
                resolver.resolve(deadLetterActions);
            }
        });
    }

    private static CancelMessage validated(CancelMessage cancel) {
        if (cancel.messageId() == null || cancel.organizationId() == null) {
            throw new MalformedMessageException("a cancel needs a messageId and an organizationId");
        }
        FieldLimits.check("organizationId", cancel.organizationId(), 64);
        return cancel;
    }

    /** The API and client check the rules already; this guards against other producers. */
    private static SubmitMessage validated(SubmitMessage submission) {
        if (submission.id() == null || submission.organizationId() == null) {
            throw new MalformedMessageException("a submission needs an id and an organizationId");
        }
        FieldLimits.check("organizationId", submission.organizationId(), 64);
        FieldLimits.check("provider", submission.provider(), 32);
        List<Violation> problems = EmailRules.check(submission.email());
        if (!problems.isEmpty()) {
            throw new MalformedMessageException("invalid email: " + problems.stream()
                    .map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; ")));
        }
        return submission;
    }
}
