package dev.mailroom.server.support;

import java.util.UUID;

/**
 * Addresses of the sandbox's scenarios ({@code bounce…@}, {@code complaint…@}) that are this run's own. A bounce or a
 * complaint puts its address on the organization's suppression list for good, so a fixed address in the shared test
 * organization would be SUPPRESSED, not BOUNCED, the second time the suite runs against the same database.
 */
public final class RunAddresses {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private RunAddresses() {}

    /** {@code bounce+x} gives {@code bounce+x-<run>@example.org}: the same scenario, an address no earlier run used. */
    public static String of(String localPart) {
        return localPart + "-" + RUN + "@example.org";
    }
}
