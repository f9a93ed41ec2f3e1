package dev.mailroom.server.providers;

/**
 * A webhook call we refuse: {@code status} is 401 (authenticity, staleness, replay), 403 (this
 * installation is not set up to take such calls) or 400 (malformed).
 */
public class WebhookRejectedException extends RuntimeException {
    private final int status;

    private WebhookRejectedException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public static WebhookRejectedException unauthenticated(String reason) {
        return new WebhookRejectedException(401, reason);
    }

    /** Refused by configuration, whoever sends it (e.g. SES without the topics it may accept). */
    public static WebhookRejectedException forbidden(String reason) {
        return new WebhookRejectedException(403, reason);
    }

    public static WebhookRejectedException malformed(String reason) {
        return new WebhookRejectedException(400, reason);
    }

    public int status() {
        return status;
    }
}
