package dev.mailroom.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Body of {@value MessageTypes#SETTING_V1} on {@value QueueNames#CONTROL}: an administrator
 * changed a run-time setting (see {@link SettingNames}). It goes through the operator, the only
 * writer, which stores it and broadcasts the new {@link SettingsSnapshot}.
 */
public record SettingChange(String name, String value, Instant requestedAt) implements QueueMessage {
    public static final Envelope<SettingChange> ENVELOPE =
            Envelope.onQueue(QueueNames.CONTROL, MessageTypes.SETTING_V1, SettingChange.class);

    @Override
    public Envelope<SettingChange> envelope() {
        return ENVELOPE;
    }

    /**
     * {@code setting:<random UUID>}, new on every call: each change an administrator makes is a
     * fact of its own, even one that sets the same value again. A publisher asks once per publish.
     */
    @Override
    public String amqpMessageId() {
        return "setting:" + UUID.randomUUID();
    }
}
