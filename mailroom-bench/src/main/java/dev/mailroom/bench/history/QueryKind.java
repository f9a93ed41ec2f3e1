package dev.mailroom.bench.history;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The reads measured, each a REST call the dashboard or an application makes on an organization's history, with its
 * target: p99 under 20 ms for one message, under 100 ms for every list and page, under 300 ms for the overview
 * figures of 30 days.
 */
enum QueryKind {
    MESSAGE("one message", 20),
    MESSAGES("message list, first page", 100),
    MESSAGES_NEXT_PAGES("message list, next pages by cursor", 100),
    STATUS_COMMON("messages by status, the most common", 100),
    STATUS_RARE("messages by status, the rarest", 100),
    /**
     * The on-call question "which emails never heard from their provider?": a status on the main path, so no index of
     * its own; few emails (or none) stay there.
     */
    STATUS_DISPATCHED("messages by status, DISPATCHED (no provider event)", 100),
    RECIPIENT("messages by recipient", 100),
    MEMBER_EMAILS("one member's emails", 100),
    TAG_COMMON("messages by tag, the most common", 100),
    TAG_RARE("messages by tag, the rarest", 100),
    DAY("messages of one day (since, until)", 100),
    MEMBERS("member list, first page", 100),
    MEMBERS_NEXT_PAGES("member list, next pages by cursor", 100),
    SEARCH_COMMON("member search, a common term", 100),
    SEARCH_RARE("member search, a rare term", 100),
    MEMBER("one member", 100),
    OVERVIEW("overview, 30 days", 300);

    final String title;
    final double targetP99Millis;

    QueryKind(String title, double targetP99Millis) {
        this.title = title;
        this.targetP99Millis = targetP99Millis;
    }

    /** Whether a request of this kind is a page after the first, reached by walking a list's cursors. */
    boolean walks() {
        return this == MESSAGES_NEXT_PAGES || this == MEMBERS_NEXT_PAGES;
    }

    /** The list a walk starts on. */
    String walkStart() {
        return this == MEMBERS_NEXT_PAGES ? "/api/v1/members" : "/api/v1/messages";
    }

    /** The request as the report shows it: path and parameters, sampled values in angle brackets. */
    String request(HistorySample s) {
        return switch (this) {
            case MESSAGE -> "GET /api/v1/messages/<id>";
            case MESSAGES -> "GET /api/v1/messages";
            case MESSAGES_NEXT_PAGES -> "GET /api/v1/messages?cursor=<nextCursor>";
            case STATUS_COMMON -> "GET /api/v1/messages?status=" + s.commonStatus();
            case STATUS_RARE -> "GET /api/v1/messages?status=" + s.rareStatus();
            case STATUS_DISPATCHED -> "GET /api/v1/messages?status=DISPATCHED";
            case RECIPIENT -> "GET /api/v1/messages?recipient=<address>";
            case MEMBER_EMAILS -> "GET /api/v1/messages?memberId=<id>";
            case TAG_COMMON -> "GET /api/v1/messages?tag=" + s.commonTag();
            case TAG_RARE -> "GET /api/v1/messages?tag=" + s.rareTag();
            case DAY -> "GET /api/v1/messages?since=<day>&until=<day + 1>";
            case MEMBERS -> "GET /api/v1/members";
            case MEMBERS_NEXT_PAGES -> "GET /api/v1/members?cursor=<nextCursor>";
            case SEARCH_COMMON -> "GET /api/v1/members?search=" + s.commonSurname;
            case SEARCH_RARE -> "GET /api/v1/members?search=<one member's address>";
            case MEMBER -> "GET /api/v1/members/<memberId>";
            case OVERVIEW -> "GET /api/v1/overview?days=30";
        };
    }

    /** A request of this kind with values drawn from the sample (not for the walks' later pages). */
    String path(HistorySample s, SplittableRandom r) {
        return switch (this) {
            case MESSAGE -> "/api/v1/messages/" + any(s.emails, r).id();
            case MESSAGES, MESSAGES_NEXT_PAGES -> "/api/v1/messages";
            case STATUS_COMMON -> "/api/v1/messages?status=" + s.commonStatus();
            case STATUS_RARE -> "/api/v1/messages?status=" + s.rareStatus();
            case STATUS_DISPATCHED -> "/api/v1/messages?status=DISPATCHED";
            case RECIPIENT ->
                "/api/v1/messages?recipient=" + encode(any(s.emails, r).recipient());
            case MEMBER_EMAILS ->
                "/api/v1/messages?memberId=" + encode(member(s, r).memberId());
            case TAG_COMMON -> "/api/v1/messages?tag=" + encode(s.commonTag());
            case TAG_RARE -> "/api/v1/messages?tag=" + encode(s.rareTag());
            case DAY -> {
                long days = Math.max(1, Duration.between(s.first, s.last).toDays());
                Instant since = s.first.plus(Duration.ofDays(r.nextLong(days)));
                yield "/api/v1/messages?since=" + encode(since.toString()) + "&until="
                        + encode(since.plus(Duration.ofDays(1)).toString());
            }
            case MEMBERS, MEMBERS_NEXT_PAGES -> "/api/v1/members";
            case SEARCH_COMMON -> "/api/v1/members?search=" + encode(s.commonSurname);
            case SEARCH_RARE -> "/api/v1/members?search=" + encode(member(s, r).recipient());
            case MEMBER -> "/api/v1/members/" + encode(member(s, r).memberId());
            case OVERVIEW -> "/api/v1/overview?days=30";
        };
    }

    private static HistorySample.Email member(HistorySample s, SplittableRandom r) {
        List<HistorySample.Email> members = s.withMembers();
        if (members.isEmpty()) {
            throw new IllegalStateException("no sampled email of " + s.organizationId + " names a member");
        }
        return any(members, r);
    }

    private static <T> T any(List<T> list, SplittableRandom r) {
        return list.get(r.nextInt(list.size()));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
