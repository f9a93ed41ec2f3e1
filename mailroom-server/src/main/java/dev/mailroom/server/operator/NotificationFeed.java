package dev.mailroom.server.operator;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.mailroom.contracts.ActivityReport;
import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.Notification;
import dev.mailroom.contracts.NotificationBatch;
import dev.mailroom.contracts.NotificationTypes;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.AccountsProperties;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * Turns what the operator recorded into {@link Notification}s for the organizations' own webhook endpoints, on
 * {@code mailroom.notifications} (the notifier role delivers them). Called after the recording transaction committed
 * and before the queue messages that caused it are acknowledged: a crash in between redelivers them, they are recorded
 * again (changing nothing) and published again under the same notification ids, which the notifier delivers once.
 *
 * <p>Only organizations with at least one enabled endpoint get notifications; which those are is read from
 * {@code webhook_endpoints} at most once per {@code mailroom.accounts.key-recheck}, so an installation without webhooks
 * pays one small query every few seconds and nothing per email.
 */
@Component
@ConditionalOnRole(Role.OPERATOR)
class NotificationFeed {
    /** One queue message per this many notifications: a bound on its size, like the webhook sink's batches. */
    static final int MAX_PER_BATCH = 500;

    /** A suppression list entry removed: {@code email} normalized. */
    record Removal(String organizationId, String email, Instant at) {}

    private final NamedParameterJdbcTemplate named;
    private final ConfirmedPublisher publisher;
    private final LoadingCache<String, Set<String>> subscribed;

    NotificationFeed(JdbcTemplate jdbc, ConfirmedPublisher publisher, AccountsProperties accounts) {
        this.named = new NamedParameterJdbcTemplate(jdbc);
        this.publisher = publisher;
        this.subscribed = Caffeine.newBuilder()
                .expireAfterWrite(accounts.keyRecheck())
                .build(key -> Set.copyOf(jdbc.queryForList(
                        "SELECT DISTINCT organization_id FROM webhook_endpoints WHERE enabled = TRUE", String.class)));
    }

    /**
     * Publishes a notification per (activity, recipient) of these recorded activities: an activity naming its
     * recipient is that recipient's; one without is every recipient's of its message. Activities matched to no
     * message are skipped (no organization to tell).
     */
    void activitiesRecorded(List<ActivityReport> reports) {
        Set<String> organizations = subscribed.get("all");
        if (organizations.isEmpty() || reports.isEmpty()) {
            return;
        }
        List<UUID> messageIds = reports.stream()
                .filter(r -> r.messageId() != null && r.status() != MessageStatus.SUBMITTED)
                .map(ActivityReport::messageId)
                .distinct()
                .toList();
        if (messageIds.isEmpty()) {
            return;
        }
        Map<UUID, MessageRecipients> messages = recipientsOf(messageIds, organizations);
        if (messages.isEmpty()) {
            return;
        }
        List<Notification> notifications = new ArrayList<>();
        for (ActivityReport r : reports) {
            MessageRecipients message = r.messageId() == null ? null : messages.get(r.messageId());
            if (message == null || r.status() == MessageStatus.SUBMITTED) {
                continue;
            }
            if (r.recipient() != null) {
                String email = Address.normalize(r.recipient());
                notifications.add(notification(
                        r, message.organizationId(), email, message.members().get(email)));
            } else {
                message.members()
                        .forEach((email, member) ->
                                notifications.add(notification(r, message.organizationId(), email, member)));
            }
        }
        publish(notifications);
    }

    /** Publishes {@code suppression.created} for entries added and {@code suppression.deleted} for those removed. */
    void suppressionsChanged(List<SuppressionList.Entry> added, List<Removal> removed) {
        Set<String> organizations = subscribed.get("all");
        if (organizations.isEmpty()) {
            return;
        }
        List<Notification> notifications = new ArrayList<>();
        for (SuppressionList.Entry e : added) {
            if (!organizations.contains(e.organizationId())) {
                continue;
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("email", e.email());
            data.put("reason", e.reason().code());
            if (!e.details().isEmpty()) {
                data.put("details", e.details());
            }
            data.put("createdAt", e.createdAt().toString());
            notifications.add(new Notification(
                    Ids.of(
                            "notification",
                            "suppression",
                            e.organizationId(),
                            e.email(),
                            NotificationTypes.SUPPRESSION_CREATED,
                            e.createdAt().toString()),
                    e.organizationId(),
                    NotificationTypes.SUPPRESSION_CREATED,
                    e.createdAt(),
                    data,
                    null));
        }
        for (Removal r : removed) {
            if (!organizations.contains(r.organizationId())) {
                continue;
            }
            notifications.add(new Notification(
                    Ids.of(
                            "notification",
                            "suppression",
                            r.organizationId(),
                            r.email(),
                            NotificationTypes.SUPPRESSION_DELETED,
                            r.at().toString()),
                    r.organizationId(),
                    NotificationTypes.SUPPRESSION_DELETED,
                    r.at(),
                    Map.of("email", r.email()),
                    null));
        }
        publish(notifications);
    }

    private void publish(List<Notification> notifications) {
        if (notifications.isEmpty()) {
            return;
        }
        // In the order they happened: the notifier delivers to each endpoint in this order as far as it can.
        List<Notification> ordered = notifications.stream()
                .sorted(Comparator.comparing(Notification::occurredAt, Comparator.nullsLast(Comparator.naturalOrder())))
                .toList();
        List<NotificationBatch> batches = new ArrayList<>();
        for (int from = 0; from < ordered.size(); from += MAX_PER_BATCH) {
            batches.add(new NotificationBatch(ordered.subList(from, Math.min(ordered.size(), from + MAX_PER_BATCH))));
        }
        publisher.publishAll(batches);
    }

    private static Notification notification(ActivityReport r, String organizationId, String email, String memberId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("messageId", r.messageId().toString());
        data.put("recipient", email);
        putIfSet(data, "memberId", memberId);
        data.put("status", r.status().name());
        putIfSet(
                data,
                "occurredAt",
                r.occurredAt() == null ? null : r.occurredAt().toString());
        putIfSet(data, "provider", r.provider());
        putIfSet(data, "providerEvent", r.providerEvent());
        if (!r.details().isEmpty()) {
            data.put("details", r.details());
        }
        putIfSet(data, "attempt", r.attempt());
        return new Notification(
                Notification.ofActivity(r.id(), email),
                organizationId,
                NotificationTypes.of(r.status()),
                r.occurredAt(),
                data,
                null);
    }

    private static void putIfSet(Map<String, Object> data, String key, Object value) {
        if (value != null) {
            data.put(key, value);
        }
    }

    /** A message's organization and its recipients (normalized address to member id, which may be null). */
    private record MessageRecipients(String organizationId, Map<String, String> members) {}

    /** The recipients of the messages of subscribed organizations: one query for the batch. */
    private Map<UUID, MessageRecipients> recipientsOf(List<UUID> messageIds, Set<String> organizations) {
        Map<UUID, MessageRecipients> found = new HashMap<>();
        named.query(
                "SELECT m.id, m.organization_id, r.email, r.member_id FROM messages m"
                        + " JOIN message_recipients r ON r.message_id = m.id"
                        + " WHERE m.id IN (:ids) AND m.organization_id IN (:orgs) ORDER BY m.id, r.position",
                new MapSqlParameterSource().addValue("ids", messageIds).addValue("orgs", organizations),
                rs -> {
                    UUID id = rs.getObject("id", UUID.class);
                    String organizationId = rs.getString("organization_id");
                    MessageRecipients message = found.computeIfAbsent(
                            id, k -> new MessageRecipients(organizationId, new LinkedHashMap<>()));
                    // The same address twice (to and cc) is one recipient; its first member id stands.
                    message.members().putIfAbsent(Address.normalize(rs.getString("email")), rs.getString("member_id"));
                });
        return found;
    }
}
