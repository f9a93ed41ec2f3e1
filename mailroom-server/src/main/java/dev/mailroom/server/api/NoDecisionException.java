package dev.mailroom.server.api;

import java.time.Duration;
import java.util.UUID;

/** The operator did not decide a request about a message in time: 503, and the request will not take effect. */
class NoDecisionException extends RuntimeException {
    NoDecisionException(String action, UUID messageId, Duration timeout) {
        super("the operator did not decide the " + action + " of message " + messageId + " within " + timeout
                + "; nothing was changed and this request will not take effect later, please retry");
    }

    /** The operator answered that it took the request after its expiry, and so did not carry it out. */
    NoDecisionException(UUID messageId) {
        super("the operator took the request about message " + messageId
                + " too late to carry it out; nothing was changed, please retry");
    }
}
