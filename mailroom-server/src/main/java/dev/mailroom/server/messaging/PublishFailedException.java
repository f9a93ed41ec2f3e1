package dev.mailroom.server.messaging;

/** The broker did not take a message: nacked, unroutable, unreachable, or no confirm in time. */
public class PublishFailedException extends RuntimeException {
    public PublishFailedException(String message) {
        super(message);
    }

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
