package dev.mailroom.server.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a page of members ended: the last row's newest email time and member id (the list's sort
 * key). Opaque to clients, like {@link PageCursor}; the member id goes last because it may
 * contain anything, colons included.
 */
record MemberCursor(Instant lastMessageAt, String memberId) {

    String encode() {
        String raw = lastMessageAt.getEpochSecond() + ":" + lastMessageAt.getNano() + ":" + memberId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this API produced */
    static MemberCursor decode(String text) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":", 3);
            return new MemberCursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])), parts[2]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cursor is not valid; pass the nextCursor of a previous page unchanged");
        }
    }
}
