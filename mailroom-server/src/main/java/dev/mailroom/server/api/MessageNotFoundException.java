package dev.mailroom.server.api;

import java.util.UUID;

class MessageNotFoundException extends RuntimeException {
    MessageNotFoundException(UUID id) {
        super("no message " + id + " in your organization (a message just submitted appears within a moment)");
    }
}
