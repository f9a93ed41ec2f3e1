package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.AccountRequests;
import dev.mailroom.server.accounts.AccountViews.RetentionView;
import dev.mailroom.server.accounts.Accounts;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's organization's retention: how many days its emails keep their content and their history. Read with
 * scope read, changed with scope admin; the operator's retention worker deletes what is older.
 */
@RestController
@RequestMapping("/api/v1/retention")
@ConditionalOnRole(Role.API)
@Tag(name = "Retention")
class RetentionController {
    private final Accounts accounts;

    RetentionController(Accounts accounts) {
        this.accounts = accounts;
    }

    @Operation(
            operationId = "getRetention",
            summary = "Get the organization's retention",
            description =
                    "How many days the caller's organization's emails keep their content (`contentDays`: bodies and attachments; default 30) and their history (`historyDays`: the email, its recipients, tags and timeline; default 400).")
    @GetMapping
    RetentionView get(@AuthenticationPrincipal Caller caller) {
        return accounts.retention(caller);
    }

    @Operation(
            operationId = "setRetention",
            summary = "Change the organization's retention",
            description =
                    "Sets both `contentDays` and `historyDays` (whole days, 1 to 3650; `contentDays` at most `historyDays`). The operator deletes what is older at its next retention run (`mailroom.retention.interval`), for good: an email past `historyDays` is gone from every listing, and one past `contentDays` keeps its timeline, recipients and tags but no longer its bodies, attachments or metadata. Content an email still needs (scheduled, waiting for a retry, not yet handed to a provider) is kept until it no longer does.")
    @PutMapping
    RetentionView set(@AuthenticationPrincipal Caller caller, @RequestBody AccountRequests.RetentionChange change) {
        return accounts.setRetention(caller, change);
    }
}
