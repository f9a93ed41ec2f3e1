package dev.mailroom.server.api;

import java.time.Instant;
import java.util.UUID;

/** Where a page of the erasures ended: the last one's request time and id (the list's sort key, newest first). */
record ErasureCursor(Instant requestedAt, UUID id) {

    String encode() {
        return CursorText.encode(requestedAt, id.toString());
    }

    /** @throws IllegalArgumentException when the text is not a cursor this API produced */
    static ErasureCursor decode(String text) {
        return CursorText.decode(text, (at, id) -> new ErasureCursor(at, UUID.fromString(id)));
    }
}
