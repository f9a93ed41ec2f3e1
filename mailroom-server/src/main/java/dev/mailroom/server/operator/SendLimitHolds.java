package dev.mailroom.server.operator;

import dev.mailroom.contracts.SubmitMessage;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.SendAllowance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.stereotype.Component;

/**
 * Send limits for what reaches the operator without the API's count: submissions an application put in the
 * mailbox itself, and held emails being released. An email over its organization's limit is not refused (its
 * sender has its broker confirm already, and nothing accepted is lost): it is held, SCHEDULED for when the window
 * has room, with the limit named on its timeline, and counted when it is released.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class SendLimitHolds {
    /** Why and until when an email waits. */
    record Hold(Instant until, String limit, String reason) {}

    private final SendAllowance allowance;

    SendLimitHolds(SendAllowance allowance) {
        this.allowance = allowance;
    }

    /**
     * Counts the submissions not counted yet and returns the holds of those over their organization's limits:
     * in each organization the first ones in the batch go, the rest wait.
     *
     * @param known the ids of these submissions recorded already (a redelivery): not counted again
     */
    Map<UUID, Hold> holdsFor(Collection<SubmitMessage> submissions, Set<UUID> known) {
        List<SubmitMessage> toCount =
                submissions.stream().filter(s -> !known.contains(s.id())).toList();
        return holds(toCount, SubmitMessage::organizationId, SubmitMessage::id);
    }

    /** Counts the given emails (held ones being released) and returns the holds of those still over a limit. */
    <T> Map<UUID, Hold> holds(List<T> emails, Function<T, String> organizationOf, Function<T, UUID> idOf) {
        if (emails.isEmpty()) {
            return Map.of();
        }
        Map<String, List<T>> byOrganization = new LinkedHashMap<>();
        emails.forEach(e -> byOrganization
                .computeIfAbsent(organizationOf.apply(e), o -> new ArrayList<>())
                .add(e));
        Map<String, Integer> wanted = new HashMap<>();
        byOrganization.forEach((org, list) -> wanted.put(org, list.size()));
        Map<String, SendAllowance.Grant> grants = allowance.takeAll(wanted);
        Map<UUID, Hold> holds = new HashMap<>();
        byOrganization.forEach((org, list) -> {
            SendAllowance.Grant grant = grants.get(org);
            if (grant.all()) {
                return;
            }
            Hold hold = new Hold(grant.retryAt(), grant.refusedBy().window().value(), reason(grant));
            list.subList(grant.granted(), list.size()).forEach(e -> holds.put(idOf.apply(e), hold));
        });
        return holds;
    }

    /** Whether any of these organizations has a send limit (else nothing needs counting). */
    boolean anyLimited(Collection<String> organizations) {
        return organizations.stream().distinct().anyMatch(allowance::limited);
    }

    private static String reason(SendAllowance.Grant grant) {
        SendAllowance.WindowUsage w = grant.refusedBy();
        return "send limit reached: " + w.limit() + " emails "
                + w.window().value().replace('-', ' ')
                + ("plan".equals(w.source())
                        ? " (plan '" + grant.usage().plan() + "')"
                        : " (the organization's own limit)")
                + "; held until the window has room";
    }
}
