package dev.mailroom.server.api;

import java.time.Instant;
import java.util.UUID;

/**
 * Where a page ended: the last item's creation time and id (the list's sort key). Opaque to
 * clients; stable while new messages arrive, unlike an offset.
 */
record PageCursor(Instant createdAt, UUID id) {

    String encode() {
        return CursorText.encode(createdAt, id.toString());
    }

    /** @throws IllegalArgumentException when the text is not a cursor this API produced */
    static PageCursor decode(String text) {
        return CursorText.decode(text, (at, key) -> new PageCursor(at, UUID.fromString(key)));
    }
}
