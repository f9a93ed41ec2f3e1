package dev.mailroom.server.operator;

import dev.mailroom.contracts.DeadLetterAction;
import dev.mailroom.contracts.ErasureRequest;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.contracts.MessageRequest;
import dev.mailroom.contracts.QueueNames;
import dev.mailroom.contracts.SettingChange;
import dev.mailroom.contracts.SuppressionRequest;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.BatchListenerFactories;
import dev.mailroom.server.messaging.QueueBodies;
import dev.mailroom.server.messaging.RequestReply;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

/**
 * Consumes {@value QueueNames#CONTROL}: setting changes and dead-letter actions, which only
 * Mailroom's own API publishes (an administrator's decisions). They used to share the mailbox with
 * every application's mail; there any producer could change the default provider or replay a
 * dead-lettered message. Unreadable or invalid control messages are dead-lettered like any other.
 *
 * <p>Message requests ({@link MessageRequest}: cancel, reschedule, retry) are answered: each is
 * decided ({@link MessageDecisions}) and the decision sent to the request's reply-to address, after
 * its commit and before the batch is acknowledged. Suppression requests ({@link SuppressionRequest}: an
 * administrator adds or removes list entries) are answered the same way ({@link SuppressionRequests}). Erasure
 * requests ({@link ErasureRequest}) are recorded here and carried out by the {@link ErasureWorker} on a thread of
 * its own: an erasure of a long history never holds back this queue.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class ControlListener {
    private final DeadLetters deadLetters;
    private final SettingsKeeper settings;
    private final DeadLetterResolver resolver;
    private final MessageDecisions decisions;
    private final RequestReply replies;
    private final SuppressionRequests suppressions;
    private final ErasureRequests erasures;

    ControlListener(
            DeadLetters deadLetters,
            SettingsKeeper settings,
            DeadLetterResolver resolver,
            MessageDecisions decisions,
            RequestReply replies,
            SuppressionRequests suppressions,
            ErasureRequests erasures) {
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.resolver = resolver;
        this.decisions = decisions;
        this.replies = replies;
        this.suppressions = suppressions;
        this.erasures = erasures;
    }

    @RabbitListener(id = "control", queues = QueueNames.CONTROL, containerFactory = BatchListenerFactories.OPERATOR)
    void onBatch(List<Message> messages) {
        List<SettingChange> settingChanges = new ArrayList<>();
        List<DeadLetterAction> deadLetterActions = new ArrayList<>();
        List<MessageRequest> requests = new ArrayList<>();
        List<SuppressionRequest> suppressionRequests = new ArrayList<>();
        List<ErasureRequest> erasureRequests = new ArrayList<>();
        Map<Object, Message> origins = new IdentityHashMap<>();
        for (Message message : messages) {
            try {
                if (QueueBodies.envelopeOf(message) == DeadLetterAction.ENVELOPE) {
                    DeadLetterAction action =
                            DeadLetterResolver.validated(QueueBodies.read(message, DeadLetterAction.ENVELOPE));
                    deadLetterActions.add(action);
                    origins.put(action, message);
                } else if (QueueBodies.envelopeOf(message) == MessageRequest.ENVELOPE) {
                    MessageRequest request =
                            MessageDecisions.validated(QueueBodies.read(message, MessageRequest.ENVELOPE));
                    requests.add(request);
                    origins.put(request, message);
                } else if (QueueBodies.envelopeOf(message) == SuppressionRequest.ENVELOPE) {
                    SuppressionRequest request =
                            SuppressionRequests.validated(QueueBodies.read(message, SuppressionRequest.ENVELOPE));
                    suppressionRequests.add(request);
                    origins.put(request, message);
                } else if (QueueBodies.envelopeOf(message) == ErasureRequest.ENVELOPE) {
                    ErasureRequest request =
                            ErasureRequests.validated(QueueBodies.read(message, ErasureRequest.ENVELOPE));
                    erasureRequests.add(request);
                    origins.put(request, message);
                } else {
                    // A setting change; any other type is refused here as "unexpected message type" and dead-lettered.
                    SettingChange change = settings.validated(QueueBodies.read(message, SettingChange.ENVELOPE));
                    settingChanges.add(change);
                    origins.put(change, message);
                }
            } catch (RuntimeException e) {
                if (OperatorFailures.isInfrastructure(e)) {
                    throw e;
                }
                deadLetters.add(
                        QueueNames.CONTROL,
                        message,
                        e instanceof MalformedMessageException ? e.getMessage() : Isolation.summary(e));
            }
        }
        OperatorFailures.pauseOnFailure(() -> {
            Isolation.run(settingChanges, settings::apply, (c, e) -> refused(origins.get(c), e));
            Isolation.run(deadLetterActions, resolver::resolve, (a, e) -> refused(origins.get(a), e));
            Isolation.run(erasureRequests, erasures::record, (r, e) -> refused(origins.get(r), e));
        });
        // One transaction per request (each waits for one row lock); the asker waits, so each answer goes
        // out as soon as its decision is committed. A redelivered request is decided again: its state then
        // answers it (a second cancel finds CANCELED, an address added is listed already), and a reschedule's
        // timeline entry keeps its id.
        decideEach(requests, decisions::decide, origins);
        decideEach(suppressionRequests, suppressions::decide, origins);
    }

    /** Decides each request in turn and answers it; a request the database refuses is dead-lettered, not answered. */
    private <R, D extends dev.mailroom.contracts.QueueMessage> void decideEach(
            List<R> requests, java.util.function.Function<R, D> decide, Map<Object, Message> origins) {
        for (R request : requests) {
            OperatorFailures.pauseOnFailure(() -> {
                D decision;
                try {
                    decision = decide.apply(request);
                } catch (RuntimeException e) {
                    if (OperatorFailures.isInfrastructure(e)) {
                        throw e;
                    }
                    refused(origins.get(request), e);
                    return;
                }
                replies.reply(origins.get(request), decision);
            });
        }
    }

    private void refused(Message message, RuntimeException failure) {
        deadLetters.add(QueueNames.CONTROL, message, "the database refused it: " + Isolation.summary(failure));
    }
}
