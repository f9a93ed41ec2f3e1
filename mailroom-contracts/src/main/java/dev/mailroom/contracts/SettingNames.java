package dev.mailroom.contracts;

import java.util.Arrays;
import java.util.List;

/** The run-time settings an administrator can change without a restart. */
public final class SettingNames {
    /** The provider of messages that name none. */
    public static final String DEFAULT_PROVIDER = "default-provider";

    /**
     * The providers tried, in order, while the chosen one's circuit breaker is open: their names
     * joined by commas ({@code "postmark,smtp"}), or the empty string for no failover. A snapshot
     * without it (every snapshot of an older operator) leaves the configured order in force.
     */
    public static final String FAILOVER = "failover";

    private SettingNames() {}

    /** The value of {@link #FAILOVER} for these providers, in their order. */
    public static String failoverValue(List<String> providers) {
        return String.join(",", providers);
    }

    /** The providers of a {@link #FAILOVER} value, in order; none for the empty string. */
    public static List<String> failoverProviders(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(name -> !name.isEmpty())
                .toList();
    }
}
