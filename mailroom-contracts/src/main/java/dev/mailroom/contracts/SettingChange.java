package dev.mailroom.contracts;

import java.time.Instant;

/**
 * Body of {@value MessageTypes#SETTING_V1} on {@value QueueNames#CONTROL}: an administrator
 * changed a run-time setting (see {@link SettingNames}). It goes through the operator, the only
 * writer, which stores it and broadcasts the new {@link SettingsSnapshot}.
 */
public record SettingChange(String name, String value, Instant requestedAt) {
}
