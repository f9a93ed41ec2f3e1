package dev.mailroom.client;

import java.util.List;

/**
 * One page of a list, newest first. Pass {@code nextCursor} to the same query for the next page; null on the last.
 */
public record Page<T>(List<T> items, String nextCursor) {
    public Page {
        items = items == null ? List.of() : List.copyOf(items);
    }

    /** Whether a next page may follow. */
    public boolean hasNext() {
        return nextCursor != null;
    }
}
