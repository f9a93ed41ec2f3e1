package dev.mailroom.bench.submit;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out its items in turn, from any number of threads: the n-th call gets item n modulo the
 * count, so that over any run of calls each item is used as often as the others, give or take one.
 */
final class RoundRobin<T> {
    private final List<T> items;
    private final AtomicLong calls = new AtomicLong();

    RoundRobin(List<T> items) {
        if (items.isEmpty()) {
            throw new IllegalArgumentException("nothing to take turns with");
        }
        this.items = List.copyOf(items);
    }

    T next() {
        // A long does not wrap in any run the bench makes; floorMod keeps it correct should it.
        return items.get((int) Math.floorMod(calls.getAndIncrement(), (long) items.size()));
    }

    int size() {
        return items.size();
    }

    List<T> all() {
        return items;
    }
}
