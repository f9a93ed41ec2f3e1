package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.WebhookEndpointRequests;
import dev.mailroom.server.accounts.WebhookEndpointViews.CreatedEndpoint;
import dev.mailroom.server.accounts.WebhookEndpointViews.EndpointView;
import dev.mailroom.server.accounts.WebhookEndpointViews.SecretsView;
import dev.mailroom.server.accounts.WebhookEndpoints;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The caller's organization's webhook endpoints. Listing and reading an endpoint need the scope {@code read}; every
 * change, and the secrets, {@code admin} (HttpSecurityConfiguration). A secret is shown whole when the endpoint is
 * created, and to an admin who asks for it: the receiver needs it to verify signatures.
 */
@RestController
@RequestMapping("/api/v1/webhook-endpoints")
@ConditionalOnRole(Role.API)
@Tag(name = "Webhook endpoints")
class WebhookEndpointsController {
    private final WebhookEndpoints endpoints;

    WebhookEndpointsController(WebhookEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Operation(
            operationId = "listWebhookEndpoints",
            summary = "List webhook endpoints",
            description = "The organization's webhook endpoints, where Mailroom posts its events. Scope `read`.")
    @GetMapping
    Map<String, List<EndpointView>> list(@AuthenticationPrincipal Caller caller) {
        return Map.of("items", endpoints.list(caller));
    }

    @Operation(
            operationId = "createWebhookEndpoint",
            summary = "Create a webhook endpoint",
            description =
                    "Registers an endpoint: `url` (https, not an internal address), `eventTypes` (or `[\"*\"]`), `description`, `enabled`. The answer holds the signing secret (`whsec_…`), shown this once. Scope `admin`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "409", description = "The organization has the most endpoints allowed (20)")
    @PostMapping
    ResponseEntity<CreatedEndpoint> create(
            @AuthenticationPrincipal Caller caller, @RequestBody WebhookEndpointRequests.NewEndpoint request) {
        CreatedEndpoint created = endpoints.create(caller, request);
        return ResponseEntity.created(URI.create(
                        "/api/v1/webhook-endpoints/" + created.endpoint().id()))
                .body(created);
    }

    @Operation(
            operationId = "getWebhookEndpoint",
            summary = "Get a webhook endpoint",
            description =
                    "One endpoint's settings; `disabledReason`/`disabledAt` show an automatic disabling. Scope `read`.")
    @GetMapping("/{id}")
    EndpointView get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return endpoints.get(caller, id);
    }

    @Operation(
            operationId = "updateWebhookEndpoint",
            summary = "Change a webhook endpoint",
            description =
                    "Changes an endpoint's `url`, `eventTypes`, `description` or `enabled` (`enabled: true` clears an automatic disabling). Scope `admin`.")
    @PatchMapping("/{id}")
    EndpointView update(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID id,
            @RequestBody WebhookEndpointRequests.EndpointChange change) {
        return endpoints.update(caller, id, change);
    }

    @Operation(
            operationId = "deleteWebhookEndpoint",
            summary = "Delete a webhook endpoint",
            description = "Deletes an endpoint; nothing more is delivered to it. Scope `admin`.")
    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        endpoints.delete(caller, id);
        return ResponseEntity.noContent().build();
    }

    @Operation(
            operationId = "getWebhookEndpointSecrets",
            summary = "Get an endpoint's signing secrets",
            description =
                    "The endpoint's signing secret and, during a rotation's grace period, the previous one with its `expiresAt`. Scope `admin`.")
    @GetMapping("/{id}/secret")
    SecretsView secret(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return endpoints.secrets(caller, id);
    }

    /** The body is optional: without it the previous secret keeps the default grace period. */
    @Operation(
            operationId = "rotateWebhookEndpointSecret",
            summary = "Rotate an endpoint's signing secret",
            description =
                    "Makes a new signing secret; both sign every delivery until `gracePeriod` (PT0S–P7D) ends. Scope `admin`.")
    @PostMapping("/{id}/secret/rotate")
    SecretsView rotate(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID id,
            @RequestBody(required = false) WebhookEndpointRequests.SecretRotation rotation) {
        return endpoints.rotate(caller, id, rotation);
    }
}
