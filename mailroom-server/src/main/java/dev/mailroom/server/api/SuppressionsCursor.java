package dev.mailroom.server.api;

import java.time.Instant;

/**
 * Where a page of a suppression list ended: the last entry's creation time and address (the list's sort key,
 * newest first). Opaque to clients, like {@link PageCursor}.
 */
record SuppressionsCursor(Instant createdAt, String email) {

    String encode() {
        return CursorText.encode(createdAt, email);
    }

    /** @throws IllegalArgumentException when the text is not a cursor this API produced */
    static SuppressionsCursor decode(String text) {
        return CursorText.decode(text, SuppressionsCursor::new);
    }
}
