package dev.mailroom.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * Body of {@value MessageTypes#SETTINGS_V1} on the {@value QueueNames#SETTINGS_EXCHANGE} fanout
 * exchange: every run-time setting, as stored. Operators broadcast it on every change and every
 * few seconds, so a dispatcher started later learns the settings within seconds.
 *
 * @param version rises with every change; a dispatcher ignores a snapshot older than the one it has
 */
public record SettingsSnapshot(long version, Map<String, String> values, Instant at) implements QueueMessage {
    public static final Envelope<SettingsSnapshot> ENVELOPE =
            Envelope.onFanout(QueueNames.SETTINGS_EXCHANGE, MessageTypes.SETTINGS_V1, SettingsSnapshot.class);

    public SettingsSnapshot {
        values = values == null ? Map.of() : Map.copyOf(values);
    }

    @Override
    public Envelope<SettingsSnapshot> envelope() {
        return ENVELOPE;
    }

    /** {@code settings:<version>}: the same version broadcast again is the same snapshot. */
    @Override
    public String amqpMessageId() {
        return "settings:" + version;
    }
}
