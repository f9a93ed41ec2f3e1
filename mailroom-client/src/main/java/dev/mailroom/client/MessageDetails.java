package dev.mailroom.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A message as {@code GET /api/v1/messages/{id}} answers it: its recipients with their own statuses and its
 * timeline. {@code status} is a summary: the most advanced status of the recipients it was sent to.
 *
 * @param recipientCounts how many recipients are at each status ({@code {"DELIVERED": 2, "BOUNCED": 1}})
 */
public record MessageDetails(
        UUID id,
        String status,
        String from,
        String subject,
        List<RecipientStatus> recipients,
        List<String> tags,
        Map<String, String> metadata,
        String provider,
        String providerMessageId,
        int attempts,
        Instant sendAt,
        Instant submittedAt,
        Instant createdAt,
        Instant updatedAt,
        List<Activity> activities,
        Map<String, Long> recipientCounts) {

    /** Whether the timeline holds a step of this status ({@code "DELIVERED"}, say). */
    public boolean reached(String activityStatus) {
        return activities != null && activities.stream().anyMatch(a -> activityStatus.equals(a.status()));
    }
}
