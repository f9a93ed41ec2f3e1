package dev.mailroom.server.api;

import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.api.MemberViews.MemberPage;
import dev.mailroom.server.api.MemberViews.MemberSummary;
import java.util.ArrayList;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The organization's members (the {@code memberId}s its emails named), each with their addresses,
 * email count, newest email and a count per current status: "did my user get it?" at a glance.
 * A member's emails themselves are {@code GET /api/v1/messages?memberId=}.
 * {@code GET /api/v1/members?memberId=&search=&limit=&cursor=}; {@code GET /api/v1/members/{memberId}}.
 */
@RestController
@RequestMapping("/api/v1/members")
@ConditionalOnRole(Role.API)
class MembersController {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;
    private static final int MAX_SEARCH = 320;

    private final MemberQueries queries;

    MembersController(MemberQueries queries) {
        this.queries = queries;
    }

    @GetMapping
    MemberPage list(@RequestAttribute(ApiAuthenticationFilter.ORGANIZATION) String organization,
                    @RequestParam(required = false) String memberId,
                    @RequestParam(required = false) String search,
                    @RequestParam(required = false) Integer limit,
                    @RequestParam(required = false) String cursor) {
        List<Violation> problems = new ArrayList<>();
        String text = search == null || search.isBlank() ? null : search.trim();
        if (text != null && text.length() > MAX_SEARCH) {
            problems.add(new Violation("search", "must be at most " + MAX_SEARCH + " characters"));
        }
        int pageSize = limit == null ? DEFAULT_LIMIT : limit;
        if (pageSize < 1 || pageSize > MAX_LIMIT) {
            problems.add(new Violation("limit", "must be between 1 and " + MAX_LIMIT));
        }
        MemberCursor after = null;
        if (cursor != null) {
            try {
                after = MemberCursor.decode(cursor);
            } catch (IllegalArgumentException e) {
                problems.add(new Violation("cursor", e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return queries.list(organization, memberId == null || memberId.isEmpty() ? null : memberId, text, pageSize, after);
    }

    /** One member; ids with a '/' cannot travel in a path, {@code ?memberId=} takes any id. */
    @GetMapping("/{memberId}")
    MemberSummary get(@RequestAttribute(ApiAuthenticationFilter.ORGANIZATION) String organization, @PathVariable String memberId) {
        return queries.find(organization, memberId).orElseThrow(() -> new MemberNotFoundException(memberId));
    }
}
