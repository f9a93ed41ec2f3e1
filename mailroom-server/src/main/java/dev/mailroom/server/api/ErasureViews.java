package dev.mailroom.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the erasure routes answer: the audit log's rows, which hold no personal data. */
final class ErasureViews {
    private ErasureViews() {}

    /**
     * An erasure asked for: follow {@code location} for its state.
     *
     * @param id       the erasure's id
     * @param state    {@code requested}
     * @param location {@code /api/v1/erasures/{id}}
     */
    record Requested(UUID id, String state, String location) {}

    /**
     * One erasure.
     *
     * @param id          the erasure's id
     * @param state       {@code requested} (being carried out) or {@code done}
     * @param requestedAt when it was asked for
     * @param requestedBy who asked: a key's prefix, or {@code user:<id>} for a signed-in person
     * @param completedAt when it was done; null until then
     * @param counts      rows changed so far, per table (rows kept for the counts, with the address replaced, and rows
     *                    deleted alike)
     */
    record Erasure(
            UUID id,
            String state,
            Instant requestedAt,
            String requestedBy,
            Instant completedAt,
            Map<String, Integer> counts) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record ErasurePage(List<Erasure> items, String nextCursor) {}
}
