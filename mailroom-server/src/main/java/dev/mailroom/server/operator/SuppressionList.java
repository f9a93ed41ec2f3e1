package dev.mailroom.server.operator;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The organizations' suppression lists ({@code suppressions}): the operator's writes and the lookups it makes
 * before it queues an email. Addresses are compared {@linkplain Address#normalize normalized}. Callers own the
 * transactions.
 */
@Repository
@ConditionalOnRole(Role.OPERATOR)
class SuppressionList {
    /** Why an address is on a list: the {@code reason} column's values. */
    enum Reason {
        HARD_BOUNCE("hard-bounce"),
        COMPLAINT("complaint"),
        UNSUBSCRIBE("unsubscribe"),
        SOFT_BOUNCES("soft-bounces"),
        PROVIDER("provider"),
        MANUAL("manual");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        String code() {
            return code;
        }

        static Reason ofCode(String code) {
            for (Reason r : values()) {
                if (r.code.equals(code)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown suppression reason '" + code + "'");
        }
    }

    /** The reason a SUPPRESSED activity gives for an erased address. */
    static final String ERASED = "erased";

    /** One entry. {@code email} is normalized by the constructor. */
    record Entry(
            String organizationId,
            String email,
            Reason reason,
            Map<String, Object> details,
            UUID sourceMessageId,
            UUID sourceActivityId,
            Instant createdAt,
            String createdBy) {
        Entry {
            email = Address.normalize(email);
            details = details == null ? Map.of() : Map.copyOf(details);
        }

        /**
         * An erased address found by its hash ({@link ErasedAddresses}): suppressed, with nothing else known of it. Its
         * reason is null: it is never a {@code suppressions} row (that would keep the address), only what the
         * suppression check reports ({@link #ERASED}).
         */
        static Entry erased(String organizationId, String email) {
            return new Entry(organizationId, email, null, Map.of(), null, null, null, null);
        }
    }

    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;

    SuppressionList(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
    }

    /**
     * Adds entries; an address already on its organization's list keeps its first entry (the reason it was
     * suppressed first is the one worth knowing).
     *
     * @return the entries this call added
     */
    List<Entry> add(Collection<Entry> entries) {
        List<Entry> added = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Entry e : entries) {
            if (!seen.add(e.organizationId() + "\u0000" + e.email())) {
                continue;
            }
            // One statement each: its count says whether THIS call added the entry.
            int n = jdbc.update(
                    "INSERT INTO suppressions (organization_id, email, reason, details, source_message_id,"
                            + " source_activity_id, created_at, created_by) VALUES (?,?,?,?,?,?,?,?)"
                            + " ON CONFLICT DO NOTHING",
                    e.organizationId(),
                    e.email(),
                    e.reason().code(),
                    e.details().isEmpty() ? null : new String(ContractJson.write(e.details()), StandardCharsets.UTF_8),
                    e.sourceMessageId(),
                    e.sourceActivityId(),
                    Timestamps.of(e.createdAt()),
                    e.createdBy());
            if (n == 1) {
                added.add(e);
            }
        }
        return added;
    }

    /**
     * Removes addresses from an organization's list.
     *
     * @return the normalized addresses that were on it
     */
    List<String> remove(String organizationId, Collection<String> emails) {
        List<String> removed = new ArrayList<>();
        for (String email : new java.util.LinkedHashSet<>(
                emails.stream().map(Address::normalize).toList())) {
            if (jdbc.update("DELETE FROM suppressions WHERE organization_id = ? AND email = ?", organizationId, email)
                    == 1) {
                removed.add(email);
            }
        }
        return removed;
    }

    /**
     * The entries, among the given addresses of the given organizations, that are on their lists: one query for a
     * whole batch.
     *
     * @param emailsByOrganization per organization, addresses in any spelling
     * @return per organization, normalized address to its entry
     */
    Map<String, Map<String, Entry>> find(Map<String, ? extends Collection<String>> emailsByOrganization) {
        Map<String, Map<String, Entry>> found = new HashMap<>();
        Set<String> emails = new HashSet<>();
        Set<String> asked = new HashSet<>();
        emailsByOrganization.forEach((org, list) -> list.forEach(e -> {
            emails.add(Address.normalize(e));
            asked.add(org + "\u0000" + Address.normalize(e));
        }));
        if (emails.isEmpty()) {
            return found;
        }
        named.query(
                "SELECT organization_id, email, reason, details, source_message_id, source_activity_id, created_at,"
                        + " created_by FROM suppressions WHERE organization_id IN (:orgs) AND email IN (:emails)",
                new MapSqlParameterSource()
                        .addValue("orgs", emailsByOrganization.keySet())
                        .addValue("emails", emails),
                rs -> {
                    String details = rs.getString("details");
                    Entry e = new Entry(
                            rs.getString("organization_id"),
                            rs.getString("email"),
                            Reason.ofCode(rs.getString("reason")),
                            details == null ? Map.of() : detailsOf(details),
                            rs.getObject("source_message_id", UUID.class),
                            rs.getObject("source_activity_id", UUID.class),
                            rs.getObject("created_at", java.time.OffsetDateTime.class)
                                    .toInstant(),
                            rs.getString("created_by"));
                    // Only what was asked for: the query pairs every organization with every address.
                    if (asked.contains(e.organizationId() + "\u0000" + e.email())) {
                        found.computeIfAbsent(e.organizationId(), o -> new HashMap<>())
                                .put(e.email(), e);
                    }
                });
        return found;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detailsOf(String json) {
        return ContractJson.read(json.getBytes(StandardCharsets.UTF_8), Map.class);
    }
}
