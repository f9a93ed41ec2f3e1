package dev.mailroom.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The filters of {@code GET /api/v1/members}; null leaves a filter out. Start from {@link #all()}.
 *
 * @param search part of a member id, an address or a name
 */
public record MemberQuery(String search, Integer limit, String cursor) {

    /** Every member, most recently emailed first. */
    public static MemberQuery all() {
        return new MemberQuery(null, null, null);
    }

    public MemberQuery search(String search) {
        return new MemberQuery(search, limit, cursor);
    }

    public MemberQuery limit(Integer limit) {
        return new MemberQuery(search, limit, cursor);
    }

    /** The page after the one whose {@link Page#nextCursor()} this is. */
    public MemberQuery cursor(String cursor) {
        return new MemberQuery(search, limit, cursor);
    }

    Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        MessageQuery.put(p, "search", search);
        MessageQuery.put(p, "limit", limit);
        MessageQuery.put(p, "cursor", cursor);
        return p;
    }
}
