package dev.mailroom.bench.faults;

import dev.mailroom.bench.cluster.LedgerRows.ActivityRow;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Ids;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The {@code webhook-id}s an endpoint subscribed to {@code *} must receive for recorded activities, derived from the
 * database as the notifier's contract defines them (DESIGN §7, {@code contracts.Notification}): one event per
 * activity and recipient — the activity's own recipient when it names one, else every recipient of its message (an
 * address twice is one recipient) — except {@code SUBMITTED}; its id is {@code msg_} and the 32 hex digits of
 * {@code Ids.of("notification", activityId, normalized recipient)}.
 */
final class ExpectedNotifications {
    private ExpectedNotifications() {}

    static String webhookId(UUID activityId, String recipient) {
        UUID id = Ids.of("notification", activityId.toString(), Address.normalize(recipient));
        return "msg_" + id.toString().replace("-", "");
    }

    /** Expected webhook-id → the activity's status (for the report of what is missing). */
    static Map<String, String> of(Collection<ActivityRow> activities, Map<UUID, List<String>> recipientsByMessage) {
        Map<String, String> expected = new LinkedHashMap<>();
        for (ActivityRow a : activities) {
            if (a.messageId() == null || "SUBMITTED".equals(a.status())) {
                continue;
            }
            Set<String> recipients = new LinkedHashSet<>();
            if (a.recipient() != null) {
                recipients.add(Address.normalize(a.recipient()));
            } else {
                for (String r : recipientsByMessage.getOrDefault(a.messageId(), List.of())) {
                    recipients.add(Address.normalize(r));
                }
            }
            for (String r : recipients) {
                expected.put(webhookId(a.id(), r), a.status());
            }
        }
        return expected;
    }
}
