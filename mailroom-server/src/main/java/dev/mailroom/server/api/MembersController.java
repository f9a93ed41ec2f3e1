package dev.mailroom.server.api;

import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.api.MemberViews.MemberPage;
import dev.mailroom.server.api.MemberViews.MemberSummary;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
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
@Tag(name = "Members")
class MembersController {
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 200;
    private static final int MAX_SEARCH = 320;

    private final MemberQueries queries;

    MembersController(MemberQueries queries) {
        this.queries = queries;
    }

    @Operation(
            operationId = "listMembers",
            summary = "List members",
            description =
                    "One row per `memberId` the organization's emails named, most recently emailed first: their addresses, how many emails, the newest one and how many are at each status. `search` matches part of the id, an address or a name; `memberId` is exact. Follow `nextCursor` for the next page. Scope `read`.")
    @GetMapping
    MemberPage list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String memberId,
            @RequestParam(required = false) String search,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        QueryParameters query = new QueryParameters();
        String text = search == null || search.isBlank() ? null : search.trim();
        if (text != null && text.length() > MAX_SEARCH) {
            query.add(new Violation("search", "must be at most " + MAX_SEARCH + " characters"));
        }
        int pageSize = query.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        MemberCursor after = query.cursor(cursor, MemberCursor::decode);
        query.validate();
        return queries.list(
                caller.organizationId(),
                memberId == null || memberId.isEmpty() ? null : memberId,
                text,
                pageSize,
                after);
    }

    /** One member; ids with a '/' cannot travel in a path, {@code ?memberId=} takes any id. */
    @Operation(
            operationId = "getMember",
            summary = "Get a member",
            description =
                    "One member, with the same fields as in the list. An id with a `/` cannot travel in a path: use `GET /api/v1/members?memberId=`. Scope `read`.")
    @GetMapping("/{memberId}")
    MemberSummary get(@AuthenticationPrincipal Caller caller, @PathVariable String memberId) {
        return queries.find(caller.organizationId(), memberId).orElseThrow(() -> new MemberNotFoundException(memberId));
    }
}
