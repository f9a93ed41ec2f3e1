package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.AccountRequests;
import dev.mailroom.server.accounts.Accounts;
import dev.mailroom.server.accounts.SendAllowance;
import dev.mailroom.server.accounts.SendLimits;
import dev.mailroom.server.accounts.SendWindow;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Send limits: an organization's usage against its limits (its own, any caller of it; anyone's, the platform),
 * the plans configured, and an organization's plan and own limits (platform).
 */
@RestController
@ConditionalOnRole(Role.API)
@Tag(name = "Send limits")
class SendLimitsController {
    private final Accounts accounts;
    private final SendAllowance allowance;

    SendLimitsController(Accounts accounts, SendAllowance allowance) {
        this.accounts = accounts;
        this.allowance = allowance;
    }

    /** One window: its limit, how much of it is used, and when its oldest counted emails leave it. */
    record WindowView(String window, int limit, int used, int remaining, Instant resetAt, String source) {}

    record UsageView(String organizationId, String plan, List<WindowView> limits) {
        static UsageView of(SendAllowance.Usage usage) {
            return new UsageView(
                    usage.organizationId(),
                    usage.plan(),
                    usage.windows().stream()
                            .map(w -> new WindowView(
                                    w.window().value(), w.limit(), w.used(), w.remaining(), w.resetAt(), w.source()))
                            .toList());
        }
    }

    @Operation(
            operationId = "getUsage",
            summary = "Get the caller's organization's send limits and usage",
            description =
                    "The caller's organization's plan and, per send window, `limit`, `used`, `remaining`, `resetAt` and `source`; `limits` is empty when it has none. Any caller.")
    @GetMapping("/api/v1/usage")
    UsageView usage(@AuthenticationPrincipal Caller caller) {
        return UsageView.of(accounts.usage(caller));
    }

    @Operation(
            operationId = "getOrganizationUsage",
            summary = "Get an organization's send limits and usage",
            description =
                    "An organization's plan, send limits and usage, as `getUsage` answers it. Platform operator only.")
    @GetMapping("/api/v1/organizations/{id}/usage")
    UsageView usageOf(@PathVariable String id) {
        return UsageView.of(accounts.platformUsage(id));
    }

    @Operation(
            operationId = "setOrganizationLimits",
            summary = "Change an organization's plan or send limits",
            description =
                    "Sets an organization's plan and its own limits per window (null: the plan's). Platform operator only.")
    @PutMapping("/api/v1/organizations/{id}/limits")
    UsageView setLimits(@PathVariable String id, @RequestBody AccountRequests.SendLimitsChange change) {
        return UsageView.of(accounts.setSendLimits(id, change));
    }

    /** The plans configured, by name: each window's limit (absent: none). */
    @Operation(
            operationId = "listPlans",
            summary = "List the send-limit plans",
            description =
                    "The send-limit plans this Mailroom is configured with (`mailroom.accounts.plans.*`). Platform operator only.")
    @GetMapping("/api/v1/platform/plans")
    Map<String, Object> plans() {
        Map<String, Map<String, Integer>> plans = new TreeMap<>();
        allowance.plans().forEach((name, limits) -> plans.put(name, windows(limits)));
        return Map.of("defaultPlan", SendAllowance.DEFAULT_PLAN, "plans", plans);
    }

    private static Map<String, Integer> windows(SendLimits limits) {
        Map<String, Integer> windows = new LinkedHashMap<>();
        for (SendWindow w : SendWindow.values()) {
            if (limits.of(w) != null) {
                windows.put(w.value(), limits.of(w));
            }
        }
        return windows;
    }
}
