package dev.mailroom.contracts;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One event for an organization's own webhook endpoints (issue 13), carried in a {@link NotificationBatch} on
 * {@value QueueNames#NOTIFICATIONS}. The notifier delivers it to every enabled endpoint of the organization subscribed
 * to its {@code type} (or to {@code endpointId} alone), as a Standard Webhooks POST whose {@code webhook-id} is
 * {@link #webhookId()}: the same for every attempt and every replay.
 *
 * @param id             deterministic, so an event published twice (a redelivery of what caused it) is delivered
 *                       under one id: for a recipient's status change {@link #ofActivity}, for a suppression change
 *                       {@code Ids.of("notification", "suppression", organizationId, email, type, createdAt)}
 * @param organizationId whose endpoints receive it
 * @param type           a {@link NotificationTypes} name ({@code email.delivered}, {@code suppression.created}, ...)
 * @param occurredAt     when it happened (the activity's time): endpoints order by it
 * @param data           the event's fields (the {@code data} of the body sent), nulls left out
 * @param endpointId     null: every subscribed endpoint of the organization; set: only that endpoint (a test send,
 *                       a replay), whatever it subscribes to
 */
public record Notification(
        UUID id, String organizationId, String type, Instant occurredAt, Map<String, Object> data, UUID endpointId) {

    public Notification {
        // In the order given (and read): the body sent is built from it, and a replay must send the same bytes.
        data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** The id of the notification of {@code recipient}'s activity {@code activityId}. */
    public static UUID ofActivity(UUID activityId, String recipient) {
        return Ids.of("notification", activityId.toString(), Address.normalize(recipient));
    }

    /** The {@code webhook-id} header: {@code msg_} and the id's 32 hex digits. */
    public String webhookId() {
        return webhookId(id);
    }

    /** The {@code webhook-id} of a notification id. */
    public static String webhookId(UUID id) {
        return "msg_" + id.toString().replace("-", "");
    }

    /** This notification, to be delivered to {@code endpoint} only. */
    public Notification to(UUID endpoint) {
        return new Notification(id, organizationId, type, occurredAt, data, endpoint);
    }
}
