package dev.mailroom.contracts;

import java.util.List;

/**
 * The providers of the Contract: the values of a submission's {@code provider}, of
 * {@code mailroom.providers.default} and of {@code POST /webhooks/{provider}}. Adding a provider
 * adds its name here (and its package on the server); nothing else lists them.
 */
public final class ProviderNames {
    public static final String SANDBOX = "sandbox";
    public static final String SMTP = "smtp";
    public static final String SENDGRID = "sendgrid";
    public static final String POSTMARK = "postmark";
    public static final String SES = "ses";
    public static final String MAILGUN = "mailgun";
    public static final String RESEND = "resend";

    private static final List<String> ALL = List.of(SANDBOX, SMTP, SENDGRID, POSTMARK, SES, MAILGUN, RESEND);

    private ProviderNames() {}

    /** Every provider, in the Contract's order (the order settings and error messages list them in). */
    public static List<String> all() {
        return ALL;
    }

    public static boolean isKnown(String name) {
        return name != null && ALL.contains(name);
    }
}
