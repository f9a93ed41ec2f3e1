package dev.mailroom.server.api;

import dev.mailroom.contracts.SettingChange;
import dev.mailroom.contracts.SettingNames;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.EnabledProviders;
import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Run-time settings. A change goes through the control queue to the operator (the only writer), which
 * stores it and broadcasts it to every dispatcher; they follow within seconds, no restart.
 */
@RestController
@RequestMapping("/api/v1/settings")
@ConditionalOnRole(Role.API)
@Tag(name = "Settings")
class SettingsController {
    private final ConfirmedPublisher publisher;
    private final SettingsQueries queries;
    private final Clock clock;
    private final EnabledProviders providers;
    private final List<String> configuredFailover;

    SettingsController(
            ConfirmedPublisher publisher,
            SettingsQueries queries,
            Clock clock,
            EnabledProviders providers,
            MailroomProperties properties) {
        this.publisher = publisher;
        this.queries = queries;
        this.clock = clock;
        this.providers = providers;
        this.configuredFailover = properties.providers().failover();
    }

    record DefaultProviderRequest(String provider) {}

    record FailoverRequest(List<String> providers) {}

    @Operation(
            operationId = "getSettings",
            summary = "Get the settings",
            description = "The providers this Mailroom runs, the default provider and the failover order. Any caller.")
    @GetMapping
    Map<String, Object> current() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("defaultProvider", queries.storedDefaultProvider().orElseGet(providers::defaultProvider));
        settings.put("failover", queries.storedFailover().orElse(configuredFailover));
        settings.put("providers", providers.names());
        return settings;
    }

    @Operation(
            operationId = "setDefaultProvider",
            summary = "Change the default provider",
            description =
                    "Changes the provider used for messages that name none. Every dispatcher follows within seconds, without a restart. Platform operator only.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "503", description = "The broker did not take the change; retry")
    @PutMapping("/default-provider")
    ResponseEntity<Map<String, Object>> changeDefaultProvider(
            @AuthenticationPrincipal Caller caller, @RequestBody DefaultProviderRequest request) {
        requirePlatform(caller);
        if (request == null || request.provider() == null) {
            throw new InvalidRequestException(
                    InvalidRequestException.INVALID_SETTING,
                    List.of(new Violation("provider", "is required; one of " + providers.names())));
        }
        String problem = providers.problemWith(request.provider());
        if (problem != null) {
            throw new InvalidRequestException(
                    InvalidRequestException.INVALID_SETTING, List.of(new Violation("provider", problem)));
        }
        SettingChange change = new SettingChange(SettingNames.DEFAULT_PROVIDER, request.provider(), clock.instant());
        publisher.publish(change);
        return ResponseEntity.accepted().body(Map.of("defaultProvider", request.provider()));
    }

    /**
     * The providers tried, in order, while the default one's circuit breaker is open; empty turns
     * failover off. Each must be enabled here (what no dispatcher could send through is refused).
     */
    @Operation(
            operationId = "setFailover",
            summary = "Change the failover order",
            description =
                    "Changes the ordered providers that take over while the current one fails (`[]`: no failover). Every dispatcher follows within seconds. Platform operator only.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "503", description = "The broker did not take the change; retry")
    @PutMapping("/failover")
    ResponseEntity<Map<String, Object>> changeFailover(
            @AuthenticationPrincipal Caller caller, @RequestBody(required = false) FailoverRequest request) {
        requirePlatform(caller);
        if (request == null || request.providers() == null) {
            throw new InvalidRequestException(
                    InvalidRequestException.INVALID_SETTING,
                    List.of(new Violation(
                            "providers",
                            "is required: a list of providers in order (empty for no failover); enabled: "
                                    + providers.names())));
        }
        List<String> order = request.providers();
        List<Violation> violations = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < order.size(); i++) {
            String name = order.get(i);
            String field = "providers[" + i + "]";
            String problem = name == null ? "is required; one of " + providers.names() : providers.problemWith(name);
            if (problem != null) {
                violations.add(new Violation(field, problem));
            } else if (!seen.add(name)) {
                violations.add(new Violation(field, "provider '" + name + "' is already in the list"));
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(InvalidRequestException.INVALID_SETTING, violations);
        }
        publisher.publish(new SettingChange(SettingNames.FAILOVER, SettingNames.failoverValue(order), clock.instant()));
        return ResponseEntity.accepted().body(Map.of("failover", List.copyOf(order)));
    }

    private static void requirePlatform(Caller caller) {
        if (!caller.platform()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "changing settings is for the platform operator");
        }
    }
}
