package dev.mailroom.contracts;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Versioned type names carried in the AMQP {@code type} property. A consumer reads the type
 * first and only then the body, so a v2 can live beside v1 during a rolling upgrade. Which record,
 * queue and message id go with each name, each record declares ({@link QueueMessage#envelope()});
 * the lookups here are derived from those declarations.
 */
public final class MessageTypes {
    public static final String SUBMIT_V1 = "mailroom.mailbox.submit.v1";
    public static final String CANCEL_V1 = "mailroom.mailbox.cancel.v1";
    /**
     * A setting change, on {@value QueueNames#CONTROL} (the name is older than that queue and kept
     * as it is: it names the message, not the route). Dead-lettered when found on the mailbox.
     */
    public static final String SETTING_V1 = "mailroom.mailbox.setting.v1";
    /** A dead-letter action, on {@value QueueNames#CONTROL}; dead-lettered when found on the mailbox. */
    public static final String DEAD_LETTER_V1 = "mailroom.mailbox.dead-letter.v1";

    /** A request of the API to the operator about one message (cancel, reschedule, retry), on {@value QueueNames#CONTROL}. */
    public static final String MESSAGE_REQUEST_V1 = "mailroom.control.message-request.v1";
    /** The operator's answer to a message request, sent to the request's reply-to address. */
    public static final String MESSAGE_DECISION_V1 = "mailroom.control.message-decision.v1";
    /** A request of the API to the operator to add or remove suppression list entries, on {@value QueueNames#CONTROL}. */
    public static final String SUPPRESSION_REQUEST_V1 = "mailroom.control.suppression-request.v1";
    /** The operator's answer to a suppression request, sent to the request's reply-to address. */
    public static final String SUPPRESSION_DECISION_V1 = "mailroom.control.suppression-decision.v1";
    /**
     * A request of the API to the operator to erase an address's personal data ({@link ErasureRequest}), on
     * {@value QueueNames#CONTROL}; not answered (its state is read back by id).
     */
    public static final String ERASURE_REQUEST_V1 = "mailroom.control.erasure-request.v1";

    public static final String SETTINGS_V1 = "mailroom.settings.snapshot.v1";
    public static final String DISPATCH_V1 = "mailroom.dispatching.dispatch.v1";
    public static final String ACTIVITY_V1 = "mailroom.tracking.activity.v1";
    /** Several activity reports in one message ({@link ActivityBatch}); consumers take both forms. */
    public static final String ACTIVITIES_V1 = "mailroom.tracking.activities.v1";
    /** Events for organizations' webhook endpoints ({@link NotificationBatch}), consumed by the notifier. */
    public static final String NOTIFICATIONS_V1 = "mailroom.notifications.batch.v1";

    /** Every queue message's envelope: one per {@link QueueMessage} record. */
    private static final List<Envelope<?>> ENVELOPES = List.of(
            SubmitMessage.ENVELOPE,
            CancelMessage.ENVELOPE,
            SettingChange.ENVELOPE,
            DeadLetterAction.ENVELOPE,
            MessageRequest.ENVELOPE,
            MessageDecision.ENVELOPE,
            SuppressionRequest.ENVELOPE,
            SuppressionDecision.ENVELOPE,
            ErasureRequest.ENVELOPE,
            SettingsSnapshot.ENVELOPE,
            DispatchCommand.ENVELOPE,
            ActivityReport.ENVELOPE,
            ActivityBatch.ENVELOPE,
            NotificationBatch.ENVELOPE);

    private static final Map<String, Envelope<?>> BY_TYPE =
            ENVELOPES.stream().collect(Collectors.toUnmodifiableMap(Envelope::type, Function.identity()));

    private MessageTypes() {}

    /** The envelopes of all queue messages, as their records declare them. */
    public static List<Envelope<?>> envelopes() {
        return ENVELOPES;
    }

    /** The envelope a type name belongs to, or null for a type we do not know. */
    public static Envelope<?> envelopeOf(String type) {
        return type == null ? null : BY_TYPE.get(type);
    }

    /** The record a type name's body maps to, or null for a type we do not know. */
    public static Class<?> bodyOf(String type) {
        Envelope<?> envelope = envelopeOf(type);
        return envelope == null ? null : envelope.body();
    }
}
