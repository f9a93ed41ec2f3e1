package dev.mailroom.server.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mailroom.server.messaging.PublishFailedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

class IsolationTest {
    private static final List<Integer> BATCH = IntStream.range(0, 200).boxed().toList();

    /** Work that, like one transaction, stores all of a part or none of it. */
    private static final class AllOrNothing {
        final Set<Integer> poison;
        final List<Integer> stored = new ArrayList<>();
        final AtomicInteger runs = new AtomicInteger();

        AllOrNothing(Set<Integer> poison) {
            this.poison = poison;
        }

        void run(List<Integer> part) {
            runs.incrementAndGet();
            for (Integer i : part) {
                if (poison.contains(i)) {
                    throw new DataIntegrityViolationException("value too long for item " + i);
                }
            }
            stored.addAll(part);
        }
    }

    @Test
    void aHealthyBatchRunsOnceAndWhole() {
        AllOrNothing work = new AllOrNothing(Set.of());
        List<Integer> culprits = new ArrayList<>();

        Isolation.run(BATCH, work::run, (i, e) -> culprits.add(i));

        assertThat(work.runs).hasValue(1);
        assertThat(work.stored).containsExactlyElementsOf(BATCH);
        assertThat(culprits).isEmpty();
    }

    @Test
    void onlyTheItemsThatFailTheBatchAreHandedBackAndEveryOtherIsDoneOnce() {
        Set<Integer> poison = Set.of(0, 57, 58, 133, 199);
        AllOrNothing work = new AllOrNothing(poison);
        Map<Integer, String> culprits = new LinkedHashMap<>();

        Isolation.run(BATCH, work::run, (i, e) -> culprits.put(i, e.getMessage()));

        assertThat(culprits.keySet()).containsExactlyInAnyOrderElementsOf(poison);
        assertThat(culprits.get(133)).isEqualTo("value too long for item 133");
        assertThat(work.stored).hasSize(195).doesNotHaveDuplicates().doesNotContainAnyElementsOf(poison);
        // Halving, not one run per item: about 2·k·log2(n), plus one more run alone per culprit.
        assertThat(work.runs.get()).isLessThan(2 * poison.size() * 8 + poison.size() + 1);
    }

    @Test
    void aBatchOfOnlyPoisonIsDeadLetteredItemByItemNotLooped() {
        AllOrNothing work = new AllOrNothing(Set.of(1, 2, 3));
        List<Integer> culprits = new ArrayList<>();

        Isolation.run(List.of(1, 2, 3), work::run, (i, e) -> culprits.add(i));

        assertThat(culprits).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(work.stored).isEmpty();
    }

    @Test
    void aMessageThatFailsOnlyOnceIsNotDeadLettered() {
        // A failure of the moment that does not look like an outage (a connection dropped mid-commit):
        // the message fails alone once, then passes.
        AtomicInteger failuresLeft = new AtomicInteger(3);
        List<Integer> stored = new ArrayList<>();
        List<Integer> culprits = new ArrayList<>();

        Isolation.run(
                BATCH,
                part -> {
                    if (part.contains(42) && failuresLeft.getAndDecrement() > 0) {
                        throw new IllegalStateException("the moment's failure");
                    }
                    stored.addAll(part);
                },
                (i, e) -> culprits.add(i));

        assertThat(culprits).isEmpty();
        assertThat(stored).containsExactlyInAnyOrderElementsOf(BATCH);
    }

    @Test
    void aBrokerFailureIsNotBlamedOnAnyMessage() {
        List<Integer> culprits = new ArrayList<>();
        AtomicInteger runs = new AtomicInteger();

        assertThatThrownBy(() -> Isolation.run(
                        BATCH,
                        part -> {
                            runs.incrementAndGet();
                            throw new PublishFailedException("no confirm from the broker");
                        },
                        (i, e) -> culprits.add(i)))
                .isInstanceOf(PublishFailedException.class);

        assertThat(runs).hasValue(1);
        assertThat(culprits).isEmpty();
    }

    @Test
    void aDatabaseOutageDuringIsolationIsWaitedOutAndBlamesNobody() {
        AllOrNothing work = new AllOrNothing(Set.of(150));
        AtomicInteger outages = new AtomicInteger();
        List<Integer> culprits = new ArrayList<>();

        Isolation.run(
                BATCH,
                part -> {
                    // The database goes away once, in the middle of the halving.
                    if (part.size() == 100 && part.get(0) == 100 && outages.getAndIncrement() == 0) {
                        throw new CannotGetJdbcConnectionException("Connection refused");
                    }
                    work.run(part);
                },
                (i, e) -> culprits.add(i));

        assertThat(outages).hasValue(2);
        assertThat(culprits).containsExactly(150);
        assertThat(work.stored).hasSize(199);
    }
}
