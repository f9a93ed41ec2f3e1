package dev.mailroom.client;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The filters of {@code GET /api/v1/messages}; null leaves a filter out. Start from {@link #all()}:
 *
 * <pre>{@code
 * Page<MessageSummary> page = client.listMessages(MessageQuery.all().memberId("user-42").limit(20));
 * page = client.listMessages(MessageQuery.all().memberId("user-42").limit(20).cursor(page.nextCursor()));
 * }</pre>
 *
 * @param status          the message's summary status
 * @param recipientStatus messages with at least one recipient at one of these statuses
 */
public record MessageQuery(
        String memberId,
        String recipient,
        String status,
        List<String> recipientStatus,
        String tag,
        Instant since,
        Instant until,
        Integer limit,
        String cursor) {

    public MessageQuery {
        recipientStatus = recipientStatus == null ? List.of() : List.copyOf(recipientStatus);
    }

    /** No filter: the organization's messages, newest first. */
    public static MessageQuery all() {
        return new MessageQuery(null, null, null, List.of(), null, null, null, null, null);
    }

    public MessageQuery memberId(String memberId) {
        return new MessageQuery(memberId, recipient, status, recipientStatus, tag, since, until, limit, cursor);
    }

    public MessageQuery recipient(String recipient) {
        return new MessageQuery(memberId, recipient, status, recipientStatus, tag, since, until, limit, cursor);
    }

    public MessageQuery status(String status) {
        return new MessageQuery(memberId, recipient, status, recipientStatus, tag, since, until, limit, cursor);
    }

    public MessageQuery recipientStatus(String... recipientStatus) {
        return new MessageQuery(
                memberId, recipient, status, List.of(recipientStatus), tag, since, until, limit, cursor);
    }

    public MessageQuery tag(String tag) {
        return new MessageQuery(memberId, recipient, status, recipientStatus, tag, since, until, limit, cursor);
    }

    public MessageQuery since(Instant since) {
        return new MessageQuery(memberId, recipient, status, recipientStatus, tag, since, until, limit, cursor);
    }

    public MessageQuery until(Instant until) {
        return new MessageQuery(memberId, recipient, status, recipientStatus, tag, since, until, limit, cursor);
    }

    public MessageQuery limit(Integer limit) {
        return new MessageQuery(memberId, recipient, status, recipientStatus, tag, since, until, limit, cursor);
    }

    /** The page after the one whose {@link Page#nextCursor()} this is. */
    public MessageQuery cursor(String cursor) {
        return new MessageQuery(memberId, recipient, status, recipientStatus, tag, since, until, limit, cursor);
    }

    /** The query parameters, in a fixed order; recipientStatus comma-separated as the API accepts it. */
    Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        put(p, "memberId", memberId);
        put(p, "recipient", recipient);
        put(p, "status", status);
        put(p, "recipientStatus", recipientStatus.isEmpty() ? null : String.join(",", recipientStatus));
        put(p, "tag", tag);
        put(p, "since", since);
        put(p, "until", until);
        put(p, "limit", limit);
        put(p, "cursor", cursor);
        return p;
    }

    static void put(Map<String, String> parameters, String name, Object value) {
        if (value != null) {
            parameters.put(name, value.toString());
        }
    }
}
