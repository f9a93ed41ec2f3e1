package dev.mailroom.server.providers;

import java.util.List;

/** The providers of the Contract, valid for {@code provider} overrides and {@code mailroom.providers.default}. */
public final class ProviderNames {
    public static final List<String> ALL = List.of("sandbox", "smtp", "sendgrid", "postmark", "ses", "mailgun", "resend");

    private ProviderNames() {
    }

    public static boolean isKnown(String name) {
        return ALL.contains(name);
    }
}
