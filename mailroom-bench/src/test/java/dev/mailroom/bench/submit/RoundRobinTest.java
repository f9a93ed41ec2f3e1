package dev.mailroom.bench.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class RoundRobinTest {

    @Test
    void itemsAreHandedOutInTurn() {
        RoundRobin<String> keys = new RoundRobin<>(List.of("a", "b", "c"));

        List<String> taken = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            taken.add(keys.next());
        }

        assertThat(taken).containsExactly("a", "b", "c", "a", "b", "c", "a");
    }

    @Test
    void manyThreadsTogetherUseEveryItemEquallyOften() throws InterruptedException {
        List<Integer> organizations = List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        RoundRobin<Integer> turns = new RoundRobin<>(organizations);
        Map<Integer, LongAdder> used = new ConcurrentHashMap<>();
        int threads = 8;
        int perThread = 10_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    used.computeIfAbsent(turns.next(), k -> new LongAdder()).increment();
                }
            });
            thread.start();
            started.add(thread);
        }
        start.countDown();
        for (Thread thread : started) {
            thread.join();
        }

        // 80,000 turns over 10 items: exactly 8,000 each, whatever the interleaving.
        assertThat(used).containsOnlyKeys(organizations);
        assertThat(used.values()).allSatisfy(n -> assertThat(n.sum()).isEqualTo(8_000));
    }

    @Test
    void nothingToTakeTurnsWithIsRefused() {
        assertThatThrownBy(() -> new RoundRobin<>(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
