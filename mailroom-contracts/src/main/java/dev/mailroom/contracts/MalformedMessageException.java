package dev.mailroom.contracts;

/** A queue body that cannot be read as the record its type names: a poison message. */
public class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
