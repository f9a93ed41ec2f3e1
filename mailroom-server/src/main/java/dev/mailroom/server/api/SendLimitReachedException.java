package dev.mailroom.server.api;

import dev.mailroom.server.accounts.SendAllowance;

/** A submission its organization's send limits do not allow now (429, with when it may try again). */
class SendLimitReachedException extends RuntimeException {
    static final String TITLE = "Send limit reached";

    private final transient SendAllowance.Grant grant;

    SendLimitReachedException(SendAllowance.Grant grant) {
        super(describe(grant), null, false, false);
        this.grant = grant;
    }

    SendAllowance.Grant grant() {
        return grant;
    }

    /** The field at fault, as a problem's errors name it. */
    static dev.mailroom.contracts.Violation violation(SendAllowance.Grant grant) {
        return new dev.mailroom.contracts.Violation(
                "limit",
                grant.refusedBy().window().value() + " limit of "
                        + grant.refusedBy().limit() + " reached");
    }

    static String describe(SendAllowance.Grant grant) {
        SendAllowance.WindowUsage w = grant.refusedBy();
        return "organization '" + grant.usage().organizationId() + "' may submit " + w.limit() + " emails "
                + w.window().value().replace('-', ' ') + " ("
                + ("plan".equals(w.source()) ? "plan '" + grant.usage().plan() + "'" : "its own limit")
                + ") and has used them; try again after " + grant.retryAt();
    }
}
