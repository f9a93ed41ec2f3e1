package dev.mailroom.server.api;

import java.util.UUID;

/** The message's status does not allow the change asked for: 409 naming the status. */
class WrongStatusException extends RuntimeException {
    private final String status;

    WrongStatusException(UUID id, String status, String what) {
        super("message " + id + " is " + status + "; " + what);
        this.status = status;
    }

    String status() {
        return status;
    }
}
