package dev.mailroom.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the API answers about members: the application's users, as named by a recipient's {@code memberId}. */
final class MemberViews {
    private MemberViews() {}

    /**
     * The member's newest email, the first thing to look at for "did my user get it?"; {@code status} is the
     * member's own status in it (their recipient's), not the email's summary.
     */
    record LastMessage(UUID id, String subject, String status, Instant createdAt) {}

    /**
     * One member: every address they were sent to (most recently used first), how many emails
     * they received, and how many of those are at each current status (in status precedence order): the
     * member's own status in each email (their recipient's), not the email's summary.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record MemberSummary(
            String memberId,
            String name,
            List<String> emails,
            long messages,
            Instant lastMessageAt,
            Map<String, Long> statuses,
            LastMessage lastMessage) {}

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record MemberPage(List<MemberSummary> items, String nextCursor) {}
}
