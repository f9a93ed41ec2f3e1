package dev.mailroom.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch's Idempotency-Key: item {@code i} is submitted under {@code <key>#<i>} with a hash of the whole
 * batch and {@code i}, so any difference in the batch is a conflict at every item, and no item's hash is
 * ever a single request's.
 */
class BatchHashTest {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    @Test
    void theSameItemsInTheSameOrderAreTheSameBatch() {
        assertThat(IdempotencyKeys.batchHash(List.of(A, B))).isEqualTo(IdempotencyKeys.batchHash(List.of(A, B)));
    }

    @Test
    void anItemChangedAddedRemovedOrMovedIsAnotherBatch() {
        assertThat(List.of(
                        IdempotencyKeys.batchHash(List.of(A, B)),
                        IdempotencyKeys.batchHash(List.of(A, C)),
                        IdempotencyKeys.batchHash(List.of(A, B, C)),
                        IdempotencyKeys.batchHash(List.of(A)),
                        IdempotencyKeys.batchHash(List.of(B, A)),
                        IdempotencyKeys.batchHash(List.of(A, "-"))))
                .doesNotHaveDuplicates();
    }

    @Test
    void everyItemHasAKeyAndAHashOfItsOwnThatNoSingleRequestHas() {
        String batch = IdempotencyKeys.batchHash(List.of(A, B));

        assertThat(IdempotencyKeys.itemKey("order-7", 0)).isEqualTo("order-7#0");
        assertThat(IdempotencyKeys.itemKey("order-7", 499)).isEqualTo("order-7#499");
        assertThat(List.of(IdempotencyKeys.itemHash(batch, 0), IdempotencyKeys.itemHash(batch, 1), A, B))
                .doesNotHaveDuplicates();
        assertThat(IdempotencyKeys.itemHash(batch, 1)).matches("[0-9a-f]{64}");
        // The longest batch key still leaves every item key within what a key row holds.
        assertThat(IdempotencyKeys.itemKey("k".repeat(MessageBatchController.MAX_BATCH_KEY), 499))
                .hasSize(SubmissionRules.MAX_IDEMPOTENCY_KEY);
    }
}
