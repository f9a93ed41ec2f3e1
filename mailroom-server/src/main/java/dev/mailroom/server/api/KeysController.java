package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.AccountRequests;
import dev.mailroom.server.accounts.AccountViews.CreatedKey;
import dev.mailroom.server.accounts.AccountViews.KeyView;
import dev.mailroom.server.accounts.Accounts;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * API keys: the caller's organization's (scope admin) under {@code /api/v1/keys}, and the platform's
 * under {@code /api/v1/platform/keys}. A key is shown whole once, in the answer that creates it.
 */
@RestController
@ConditionalOnRole(Role.API)
@Tag(name = "API keys")
class KeysController {
    private final Accounts accounts;

    KeysController(Accounts accounts) {
        this.accounts = accounts;
    }

    @Operation(
            operationId = "listKeys",
            summary = "List the organization's API keys",
            description =
                    "The organization's API keys: prefix, scopes, `lastUsedAt`, `expiresAt`, `revokedAt`; never the key itself. Scope `admin`.")
    @GetMapping("/api/v1/keys")
    Map<String, List<KeyView>> list(@AuthenticationPrincipal Caller caller) {
        return Map.of("items", accounts.keys(caller));
    }

    @Operation(
            operationId = "createKey",
            summary = "Create an API key",
            description =
                    "Creates an API key with `scopes` ⊆ `send`, `read`, `admin` and an optional `expiresAt`. The answer's `secret` is the key, shown this once. Scope `admin`.")
    @PostMapping("/api/v1/keys")
    ResponseEntity<CreatedKey> create(
            @AuthenticationPrincipal Caller caller, @RequestBody AccountRequests.NewKey request) {
        CreatedKey created = accounts.createKey(caller, request);
        return ResponseEntity.created(URI.create("/api/v1/keys/" + created.key().id()))
                .body(created);
    }

    @Operation(
            operationId = "revokeKey",
            summary = "Revoke an API key",
            description = "Revokes a key of the organization: it stops working at once. Scope `admin`.")
    @PostMapping("/api/v1/keys/{id}/revoke")
    KeyView revoke(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return accounts.revokeKey(caller, id);
    }

    @Operation(
            operationId = "listPlatformKeys",
            summary = "List platform keys",
            description = "The platform's own keys (settings, dead letters, organizations). Platform operator only.")
    @GetMapping("/api/v1/platform/keys")
    Map<String, List<KeyView>> listPlatform() {
        return Map.of("items", accounts.platformKeys());
    }

    @Operation(
            operationId = "createPlatformKey",
            summary = "Create a platform key",
            description = "Creates a platform key; the answer's `secret` is shown this once. Platform operator only.")
    @PostMapping("/api/v1/platform/keys")
    ResponseEntity<CreatedKey> createPlatform(
            @AuthenticationPrincipal Caller caller, @RequestBody AccountRequests.NewKey request) {
        CreatedKey created = accounts.createPlatformKey(caller, request);
        return ResponseEntity.created(
                        URI.create("/api/v1/platform/keys/" + created.key().id()))
                .body(created);
    }

    @Operation(
            operationId = "revokePlatformKey",
            summary = "Revoke a platform key",
            description = "Revokes a platform key. Platform operator only.")
    @PostMapping("/api/v1/platform/keys/{id}/revoke")
    KeyView revokePlatform(@PathVariable UUID id) {
        return accounts.revokePlatformKey(id);
    }
}
