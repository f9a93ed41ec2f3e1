package dev.mailroom.server.operator;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ErasureRequest;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.ErasedData;
import dev.mailroom.server.Role;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Erases an address from the member list's read model (V17: {@code members}, {@code member_search_terms}). Runs before
 * the emails are erased, while their recipients still tell which members had the address and which names came with
 * it. A member keeps its row when it has another address (its erased emails keep counting in its statuses); its terms
 * lose the address and every name given only with the erased address. A member that had no other address goes whole.
 */
@Repository
@ConditionalOnRole(Role.OPERATOR)
class MemberErasure {
    private final JdbcTemplate jdbc;

    MemberErasure(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * In the caller's transaction.
     *
     * @param known   the members whose recipients hold the address, as the caller found them (null: read them here)
     * @return rows changed per table
     */
    Map<String, Integer> erase(String organizationId, String address, Set<String> known) {
        String erased = Address.normalize(address);
        Set<String> members = new TreeSet<>(
                known != null
                        ? known
                        : jdbc.queryForList(
                                "SELECT DISTINCT r.member_id FROM message_recipients r JOIN messages m"
                                        + " ON m.id = r.message_id WHERE m.organization_id = ?"
                                        + " AND LOWER(TRIM(r.email)) = ? AND r.member_id IS NOT NULL",
                                String.class,
                                organizationId,
                                erased));
        members.addAll(jdbc.queryForList(
                "SELECT member_id FROM member_search_terms WHERE organization_id = ? AND term = ?",
                String.class,
                organizationId,
                erased));
        int terms = 0;
        int rows = 0;
        // In member order: a concurrent writer of the read model waits on the same rows in the same order.
        for (String member : members) {
            jdbc.query(
                    "SELECT member_id FROM members WHERE organization_id = ? AND member_id = ? FOR UPDATE",
                    rs -> {},
                    organizationId,
                    member);
            Set<String> namesWithIt = new LinkedHashSet<>();
            Set<String> namesWithOthers = new HashSet<>();
            Set<String> otherAddresses = new HashSet<>();
            jdbc.query(
                    "SELECT r.email, r.name FROM message_recipients r WHERE r.organization_id = ? AND r.member_id = ?",
                    rs -> {
                        String email = Address.normalize(rs.getString("email"));
                        String name = rs.getString("name");
                        List<String> name1 = name == null ? List.of() : List.of(name);
                        if (erased.equals(email)) {
                            namesWithIt.addAll(ErasedData.lowerCased(name1));
                        } else if (!ErasureRequest.ERASED_ADDRESS.equals(email)) {
                            otherAddresses.add(email);
                            namesWithOthers.addAll(ErasedData.lowerCased(name1));
                        }
                    },
                    organizationId,
                    member);
            if (otherAddresses.isEmpty()) {
                terms += jdbc.update(
                        "DELETE FROM member_search_terms WHERE organization_id = ? AND member_id = ?",
                        organizationId,
                        member);
                rows += jdbc.update(
                        "DELETE FROM members WHERE organization_id = ? AND member_id = ?", organizationId, member);
                continue;
            }
            List<String> gone = new ArrayList<>();
            gone.add(erased);
            namesWithIt.stream().filter(n -> !namesWithOthers.contains(n)).forEach(gone::add);
            for (String term : gone) {
                terms += jdbc.update(
                        "DELETE FROM member_search_terms WHERE organization_id = ? AND member_id = ? AND term = ?",
                        organizationId,
                        member,
                        term);
            }
        }
        Map<String, Integer> changed = new LinkedHashMap<>();
        changed.put("members", rows);
        changed.put("member_search_terms", terms);
        return changed;
    }
}
