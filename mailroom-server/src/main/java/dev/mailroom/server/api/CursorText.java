package dev.mailroom.server.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.function.BiFunction;

/**
 * The text form of a page cursor: a list's sort key, a time and a key after it, as opaque
 * URL-safe base64. The key goes last because it may contain anything, colons included.
 */
final class CursorText {
    private CursorText() {}

    static String encode(Instant at, String key) {
        String raw = at.getEpochSecond() + ":" + at.getNano() + ":" + key;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the text is not a cursor this API produced (or {@code cursor} refuses its key) */
    static <T> T decode(String text, BiFunction<Instant, String, T> cursor) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":", 3);
            Instant at = Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
            // Ours hold a stored time; one outside the years the database holds was made by hand.
            if (!QueryParameters.isStorable(at)) {
                throw new IllegalArgumentException("time out of range");
            }
            return cursor.apply(at, parts[2]);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cursor is not valid; pass the nextCursor of a previous page unchanged");
        }
    }
}
