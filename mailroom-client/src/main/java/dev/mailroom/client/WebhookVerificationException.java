package dev.mailroom.client;

/** A webhook that {@link WebhookVerifier} refused: answer it 401 (or 400) and do not act on it. */
public class WebhookVerificationException extends Exception {
    public WebhookVerificationException(String message) {
        super(message);
    }
}
