package dev.mailroom.server.operator;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ErasureRequest;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.ErasedData;
import dev.mailroom.server.LikePattern;
import dev.mailroom.server.Role;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Erases what an organization keeps per address rather than per email: its suppression list entry (the address stays
 * suppressed through {@link ErasedAddresses}, which keeps no address), its soft-bounce streak, and the idempotency keys
 * that spell the address (an application's key such as {@code welcome:ada@example.org}). In the caller's transaction.
 */
@Repository
@ConditionalOnRole(Role.OPERATOR)
class AddressErasure {
    private final JdbcTemplate jdbc;

    AddressErasure(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** @return rows changed per table */
    Map<String, Integer> erase(String organizationId, String address) {
        String erased = Address.normalize(address);
        Map<String, Integer> changed = new LinkedHashMap<>();
        // Suppressions and streaks hold normalized addresses; an administrator is named by created_by (a person's
        // email when signed in), which may be the erased address too.
        int suppressions =
                jdbc.update("DELETE FROM suppressions WHERE organization_id = ? AND email = ?", organizationId, erased);
        suppressions += jdbc.update(
                "UPDATE suppressions SET created_by = ? WHERE organization_id = ? AND LOWER(created_by) = ?",
                ErasureRequest.ERASED_TEXT,
                organizationId,
                erased);
        changed.put("suppressions", suppressions);
        changed.put(
                "soft_bounce_streaks",
                jdbc.update(
                        "DELETE FROM soft_bounce_streaks WHERE organization_id = ? AND email = ?",
                        organizationId,
                        erased));
        ErasedData erasing = ErasedData.of(erased);
        List<String> keys = jdbc.queryForList(
                "SELECT idempotency_key FROM idempotency_keys WHERE organization_id = ?"
                        + " AND LOWER(idempotency_key) LIKE ? ESCAPE '\\'",
                String.class,
                organizationId,
                LikePattern.containing(erased));
        int deleted = 0;
        for (String key : keys) {
            if (erasing.mentions(key)) {
                deleted += jdbc.update(
                        "DELETE FROM idempotency_keys WHERE organization_id = ? AND idempotency_key = ?",
                        organizationId,
                        key);
            }
        }
        changed.put("idempotency_keys", deleted);
        return changed;
    }
}
