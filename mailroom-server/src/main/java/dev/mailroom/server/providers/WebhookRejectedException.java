package dev.mailroom.server.providers;

/** A webhook call we refuse: {@code status} is 401 (authenticity, staleness, replay) or 400 (malformed). */
public class WebhookRejectedException extends RuntimeException {
    private final int status;

    private WebhookRejectedException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public static WebhookRejectedException unauthenticated(String reason) {
        return new WebhookRejectedException(401, reason);
    }

    public static WebhookRejectedException malformed(String reason) {
        return new WebhookRejectedException(400, reason);
    }

    public int status() {
        return status;
    }
}
