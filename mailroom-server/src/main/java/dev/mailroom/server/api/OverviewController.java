package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.OverviewProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.api.OverviewViews.Overview;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The organization's figures over its last days: how many emails it sent and what became of them, in total and per
 * UTC day, with the rates a dashboard shows. {@code GET /api/v1/overview?days=30}.
 */
@RestController
@RequestMapping("/api/v1/overview")
@ConditionalOnRole(Role.API)
@Tag(name = "Overview")
class OverviewController {
    static final int DEFAULT_DAYS = 30;
    /** A year and a month: last year's same month against this one. */
    static final int MAX_DAYS = OverviewProperties.MAX_DAYS;

    private final OverviewQueries queries;
    private final Clock clock;

    OverviewController(OverviewQueries queries, Clock clock) {
        this.queries = queries;
        this.clock = clock;
    }

    @Operation(
            operationId = "getOverview",
            summary = "Get the overview figures",
            description =
                    "The organization's emails of the last `days` UTC days, today included (`since` is midnight UTC of the first day, `until` midnight after today): in total and per day (every day, zeros included, oldest first), each email counted once under its current status on the day it was stored. `sent` is every email; `inFlight` (accepted, queued, deferred, dispatched), `scheduled`, `delivered`, `bounced`, `failed` (failed or dropped by the provider), `suppressed` and `canceled` add up to it; `delivered` counts delivered, opened, clicked, unsubscribed and complained emails, and `opened` (opened or clicked), `clicked`, `complained` and `unsubscribed` are parts of it. `rates` (0 to 1, four decimals; null when dividing by 0): `delivered` = delivered/sent, `opened` = opened/delivered, `clicked` = clicked/delivered, `bounced` = bounced/sent, `complained` = complained/delivered, `failed` = failed/sent. `statuses` counts every status. Scope `read`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(
            responseCode = "422",
            description = "`days` is not a whole number from 1 to 400; `errors[].field` is `days`")
    @GetMapping
    Overview get(
            @AuthenticationPrincipal Caller caller,
            @Parameter(description = "How many UTC days, today included: 1 to 400, default 30")
                    @RequestParam(required = false)
                    String days) {
        QueryParameters query = new QueryParameters();
        int window = query.days("days", days, DEFAULT_DAYS, MAX_DAYS);
        query.validate();
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        return queries.overview(caller.organizationId(), today.minusDays(window - 1L), today);
    }
}
