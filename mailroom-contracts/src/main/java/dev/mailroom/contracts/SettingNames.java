package dev.mailroom.contracts;

/** The run-time settings an administrator can change without a restart. */
public final class SettingNames {
    /** The provider of messages that name none. */
    public static final String DEFAULT_PROVIDER = "default-provider";

    private SettingNames() {}
}
