package dev.mailroom.server.api;

import java.util.UUID;

class NotCancelableException extends RuntimeException {
    NotCancelableException(UUID id, String status) {
        super("message " + id + " is " + status + "; only a SCHEDULED message can be canceled");
    }
}
