package dev.mailroom.server.api;

import dev.mailroom.contracts.SettingChange;
import dev.mailroom.contracts.SettingNames;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.EnabledProviders;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.security.Caller;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
class SettingsController {
    private final ConfirmedPublisher publisher;
    private final SettingsQueries queries;
    private final Clock clock;
    private final EnabledProviders providers;

    SettingsController(ConfirmedPublisher publisher, SettingsQueries queries, Clock clock, EnabledProviders providers) {
        this.publisher = publisher;
        this.queries = queries;
        this.clock = clock;
        this.providers = providers;
    }

    record DefaultProviderRequest(String provider) {}

    @GetMapping
    Map<String, Object> current() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("defaultProvider", queries.storedDefaultProvider().orElseGet(providers::defaultProvider));
        settings.put("providers", providers.names());
        return settings;
    }

    @PutMapping("/default-provider")
    ResponseEntity<Map<String, Object>> changeDefaultProvider(
            @AuthenticationPrincipal Caller caller, @RequestBody DefaultProviderRequest request) {
        if (!caller.platform()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "changing settings is for the platform operator");
        }
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
}
