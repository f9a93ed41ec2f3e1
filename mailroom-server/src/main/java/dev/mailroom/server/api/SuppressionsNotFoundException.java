package dev.mailroom.server.api;

/** No such address on the caller's organization's suppression list: 404. */
class SuppressionsNotFoundException extends RuntimeException {
    SuppressionsNotFoundException(String email) {
        super("'" + email + "' is not on this organization's suppression list");
    }
}
