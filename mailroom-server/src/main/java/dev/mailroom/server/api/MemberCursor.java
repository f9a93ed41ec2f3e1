package dev.mailroom.server.api;

import java.time.Instant;

/**
 * Where a page of members ended: the last row's newest email time and member id (the list's sort
 * key). Opaque to clients, like {@link PageCursor}.
 */
record MemberCursor(Instant lastMessageAt, String memberId) {

    String encode() {
        return CursorText.encode(lastMessageAt, memberId);
    }

    /** @throws IllegalArgumentException when the text is not a cursor this API produced */
    static MemberCursor decode(String text) {
        return CursorText.decode(text, MemberCursor::new);
    }
}
