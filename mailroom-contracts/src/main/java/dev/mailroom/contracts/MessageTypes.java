package dev.mailroom.contracts;

import java.util.Map;

/**
 * Versioned type names carried in the AMQP {@code type} property. A consumer reads the type
 * first and only then the body, so a v2 can live beside v1 during a rolling upgrade.
 */
public final class MessageTypes {
    public static final String SUBMIT_V1 = "mailroom.mailbox.submit.v1";
    public static final String CANCEL_V1 = "mailroom.mailbox.cancel.v1";
    /**
     * A setting change, on {@value QueueNames#CONTROL} (the name is older than that queue and kept
     * as it is: it names the message, not the route). Parked when found on the mailbox.
     */
    public static final String SETTING_V1 = "mailroom.mailbox.setting.v1";
    /** A dead-letter action, on {@value QueueNames#CONTROL}; parked when found on the mailbox. */
    public static final String DEAD_LETTER_V1 = "mailroom.mailbox.dead-letter.v1";
    public static final String SETTINGS_V1 = "mailroom.settings.snapshot.v1";
    public static final String DISPATCH_V1 = "mailroom.dispatching.dispatch.v1";
    public static final String ACTIVITY_V1 = "mailroom.tracking.activity.v1";
    /** Several activity reports in one message ({@link ActivityBatch}); consumers take both forms. */
    public static final String ACTIVITIES_V1 = "mailroom.tracking.activities.v1";

    private static final Map<String, Class<?>> BODIES = Map.of(
            SUBMIT_V1, SubmitMessage.class,
            CANCEL_V1, CancelMessage.class,
            SETTING_V1, SettingChange.class,
            DEAD_LETTER_V1, DeadLetterAction.class,
            SETTINGS_V1, SettingsSnapshot.class,
            DISPATCH_V1, DispatchCommand.class,
            ACTIVITY_V1, ActivityReport.class,
            ACTIVITIES_V1, ActivityBatch.class);

    private MessageTypes() {
    }

    /** The record a type name's body maps to, or null for a type we do not know. */
    public static Class<?> bodyOf(String type) {
        return type == null ? null : BODIES.get(type);
    }
}
