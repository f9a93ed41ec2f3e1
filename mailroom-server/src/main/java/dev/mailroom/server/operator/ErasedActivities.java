package dev.mailroom.server.operator;

import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ErasureRequest;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.ErasedData;
import dev.mailroom.server.Role;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * A provider keeps reporting about an email after its recipient was erased (an open weeks later, with an IP address
 * and a user agent). Such a report is scrubbed before it is recorded or notified, as the erasure scrubbed the ones
 * before it: its recipient becomes {@link ErasureRequest#ERASED_ADDRESS} and its details keep only
 * {@link ErasedData#KEPT_DETAILS}. Every report of an email whose recipients were all erased is; of an email with
 * others, the reports that name an erased recipient (by its hash, {@link ErasedAddresses}). Costs nothing for
 * emails nobody erased: the message's lock already tells how many of its recipients were.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class ErasedActivities {
    private final ErasedAddresses erased;

    ErasedActivities(ErasedAddresses erased) {
        this.erased = erased;
    }

    List<ActivityReport> scrub(List<ActivityReport> reports, Map<UUID, MessageStore.Locked> messages) {
        if (messages.values().stream().noneMatch(m -> m.erasedRecipients() > 0)) {
            return reports;
        }
        Map<String, Set<String>> asked = new HashMap<>();
        for (ActivityReport r : reports) {
            MessageStore.Locked m = r.messageId() == null ? null : messages.get(r.messageId());
            if (m != null && m.erasedRecipients() > 0 && r.recipient() != null) {
                asked.computeIfAbsent(m.organizationId(), o -> new HashSet<>()).add(Address.normalize(r.recipient()));
            }
        }
        Map<String, Set<String>> erasedOnes = asked.isEmpty() ? Map.of() : erased.find(asked);
        List<ActivityReport> out = new ArrayList<>(reports.size());
        for (ActivityReport r : reports) {
            MessageStore.Locked m = r.messageId() == null ? null : messages.get(r.messageId());
            boolean scrub = m != null
                    && m.erasedRecipients() > 0
                    && (m.erasedRecipients() >= m.recipientCount()
                            || (r.recipient() != null
                                    && erasedOnes
                                            .getOrDefault(m.organizationId(), Set.of())
                                            .contains(Address.normalize(r.recipient()))));
            out.add(scrub ? scrubbed(r) : r);
        }
        return out;
    }

    private static ActivityReport scrubbed(ActivityReport r) {
        return r.toBuilder()
                .recipient(r.recipient() == null ? null : ErasureRequest.ERASED_ADDRESS)
                .details(ErasedData.details(r.details()))
                .build();
    }
}
