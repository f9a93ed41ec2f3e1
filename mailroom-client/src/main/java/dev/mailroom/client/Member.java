package dev.mailroom.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One of the application's users, as the {@code memberId} of recipients named them.
 *
 * @param emails   every address they were sent to, most recently used first
 * @param messages how many emails they received
 * @param statuses how many of those are at each status (the member's own status in each)
 */
public record Member(
        String memberId,
        String name,
        List<String> emails,
        long messages,
        Instant lastMessageAt,
        Map<String, Long> statuses,
        LastMessage lastMessage) {

    /** The member's newest email; {@code status} is the member's own status in it. */
    public record LastMessage(UUID id, String subject, String status, Instant createdAt) {}
}
