package dev.mailroom.server.operator;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What the recorded activities put on the suppression lists, in the recording transaction: a hard bounce, a
 * complaint, an unsubscribe, a provider's own suppression (an event whose details carry {@code suppression}), or
 * {@link SuppressionProperties#softBounceLimit} soft bounces in a row with no delivery between. Whichever provider
 * reported it, the entry keeps every provider from being sent to that address (failover included).
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class AutomaticSuppressions {
    /** The detail a provider adapter sets on an event reporting the provider's own suppression of the address. */
    static final String SUPPRESSION_DETAIL = "suppression";

    private final SuppressionList list;
    private final MessageStore store;
    private final JdbcTemplate jdbc;
    private final NamedParameterJdbcTemplate named;
    private final int softBounceLimit;

    AutomaticSuppressions(
            SuppressionList list, MessageStore store, JdbcTemplate jdbc, SuppressionProperties properties) {
        this.list = list;
        this.store = store;
        this.jdbc = jdbc;
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.softBounceLimit = properties.softBounceLimit();
    }

    /**
     * The soft bounces among {@code reports} not recorded before: call BEFORE the reports are inserted, so that a
     * redelivered bounce does not count twice toward a streak.
     */
    Set<UUID> newSoftBounces(List<ActivityReport> reports) {
        List<UUID> soft = reports.stream()
                .filter(r -> r.messageId() != null && isSoftBounce(r))
                .map(ActivityReport::id)
                .toList();
        if (soft.isEmpty()) {
            return Set.of();
        }
        Set<UUID> fresh = new HashSet<>(soft);
        named.query("SELECT id FROM activities WHERE id IN (:ids)", new MapSqlParameterSource("ids", soft), rs -> {
            fresh.remove(rs.getObject("id", UUID.class));
        });
        return fresh;
    }

    /**
     * Adds the entries the reports call for, counts soft bounces and resets the streaks of addresses delivered to.
     *
     * @param organizations per message of the reports (those that exist), its organization and recipient count
     * @param newSoftBounces from {@link #newSoftBounces}
     * @return the entries added
     */
    List<SuppressionList.Entry> record(
            List<ActivityReport> reports,
            Map<UUID, MessageStore.Locked> organizations,
            Set<UUID> newSoftBounces,
            Instant now) {
        List<ActivityReport> known = reports.stream()
                .filter(r -> r.messageId() != null && organizations.containsKey(r.messageId()))
                .toList();
        // A delivery only matters to an address with a soft-bounce streak; most organizations have none, and the
        // check costs one indexed query per batch instead of a recipient lookup and a delete per delivery.
        Set<String> streaking = organizationsWithStreaks(known.stream()
                .filter(r -> r.status() == MessageStatus.DELIVERED)
                .map(r -> organizations.get(r.messageId()).organizationId())
                .collect(java.util.stream.Collectors.toSet()));
        List<ActivityReport> relevant = known.stream()
                .filter(r -> reasonOf(r) != null
                        || newSoftBounces.contains(r.id())
                        || (r.status() == MessageStatus.DELIVERED
                                && streaking.contains(
                                        organizations.get(r.messageId()).organizationId())))
                .toList();
        if (relevant.isEmpty()) {
            return List.of();
        }
        // A report without a recipient names the message's only one; of several, it names none in particular.
        Map<UUID, List<String>> recipients = store.recipientsOf(relevant.stream()
                .filter(r -> r.recipient() == null
                        && !organizations.get(r.messageId()).several())
                .map(ActivityReport::messageId)
                .distinct()
                .toList());
        List<SuppressionList.Entry> entries = new ArrayList<>();
        Map<Key, Integer> softBounces = new LinkedHashMap<>();
        Map<Key, ActivityReport> lastSoftBounce = new HashMap<>();
        Set<Key> delivered = new HashSet<>();
        for (ActivityReport r : relevant) {
            String organization = organizations.get(r.messageId()).organizationId();
            List<String> addresses = r.recipient() != null
                    ? List.of(Address.normalize(r.recipient()))
                    : recipients.getOrDefault(r.messageId(), List.of());
            for (String email : addresses) {
                if (dev.mailroom.contracts.ErasureRequest.ERASED_ADDRESS.equals(email)) {
                    // An erased recipient is suppressed by its hash already; the placeholder is nobody's address.
                    continue;
                }
                Key key = new Key(organization, email);
                SuppressionList.Reason reason = reasonOf(r);
                if (reason != null) {
                    entries.add(entry(key, reason, r, now));
                } else if (newSoftBounces.contains(r.id())) {
                    softBounces.merge(key, 1, Integer::sum);
                    lastSoftBounce.put(key, r);
                } else {
                    delivered.add(key);
                }
            }
        }
        resetStreaks(delivered.stream().filter(k -> !softBounces.containsKey(k)).toList());
        if (softBounceLimit > 0) {
            softBounces.forEach((key, n) -> {
                if (countSoftBounces(key, n, now) >= softBounceLimit) {
                    entries.add(entry(key, SuppressionList.Reason.SOFT_BOUNCES, lastSoftBounce.get(key), now));
                    resetStreaks(List.of(key));
                }
            });
        }
        return list.add(entries);
    }

    private record Key(String organizationId, String email) {}

    private static boolean isSoftBounce(ActivityReport r) {
        return r.status() == MessageStatus.BOUNCED
                && !"hard".equals(r.details().get("bounceType"))
                && r.details().get(SUPPRESSION_DETAIL) == null;
    }

    /** Why this report suppresses its recipient at once, or null. */
    private static SuppressionList.Reason reasonOf(ActivityReport r) {
        Object provider = r.details().get(SUPPRESSION_DETAIL);
        if (provider != null) {
            return switch (String.valueOf(provider)) {
                case "hard-bounce" -> SuppressionList.Reason.HARD_BOUNCE;
                case "complaint" -> SuppressionList.Reason.COMPLAINT;
                case "unsubscribe" -> SuppressionList.Reason.UNSUBSCRIBE;
                default -> SuppressionList.Reason.PROVIDER;
            };
        }
        return switch (r.status()) {
            case BOUNCED -> "hard".equals(r.details().get("bounceType")) ? SuppressionList.Reason.HARD_BOUNCE : null;
            case COMPLAINED -> SuppressionList.Reason.COMPLAINT;
            case UNSUBSCRIBED -> SuppressionList.Reason.UNSUBSCRIBE;
            default -> null;
        };
    }

    private static SuppressionList.Entry entry(Key key, SuppressionList.Reason reason, ActivityReport r, Instant now) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("status", r.status().name());
        putIfPresent(details, "provider", r.provider());
        putIfPresent(details, "providerEvent", r.providerEvent());
        for (String detail : List.of("bounceType", "reason", SUPPRESSION_DETAIL, "source")) {
            putIfPresent(details, detail, r.details().get(detail));
        }
        return new SuppressionList.Entry(
                key.organizationId(), key.email(), reason, details, r.messageId(), r.id(), now, null);
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** Adds {@code n} soft bounces to the address's streak: the streak's length after them. */
    private int countSoftBounces(Key key, int n, Instant now) {
        for (int tries = 0; tries < 2; tries++) {
            int updated = jdbc.update(
                    "UPDATE soft_bounce_streaks SET bounces = bounces + ?, last_at = ? WHERE organization_id = ?"
                            + " AND email = ?",
                    n,
                    Timestamps.of(now),
                    key.organizationId(),
                    key.email());
            if (updated == 0) {
                // Another operator may insert it at the same moment: then the update is tried once more.
                updated = jdbc.update(
                        "INSERT INTO soft_bounce_streaks (organization_id, email, bounces, last_at) VALUES (?,?,?,?)"
                                + " ON CONFLICT DO NOTHING",
                        key.organizationId(),
                        key.email(),
                        n,
                        Timestamps.of(now));
            }
            if (updated == 1) {
                return jdbc.queryForObject(
                        "SELECT bounces FROM soft_bounce_streaks WHERE organization_id = ? AND email = ?",
                        Integer.class,
                        key.organizationId(),
                        key.email());
            }
        }
        return 0;
    }

    private Set<String> organizationsWithStreaks(Set<String> organizationIds) {
        if (organizationIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(named.queryForList(
                "SELECT DISTINCT organization_id FROM soft_bounce_streaks WHERE organization_id IN (:organizations)",
                new MapSqlParameterSource("organizations", organizationIds),
                String.class));
    }

    private void resetStreaks(Collection<Key> keys) {
        if (keys.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(
                "DELETE FROM soft_bounce_streaks WHERE organization_id = ? AND email = ?",
                keys.stream()
                        .map(k -> new Object[] {k.organizationId(), k.email()})
                        .toList());
    }
}
