package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.AccountRequests;
import dev.mailroom.server.accounts.AccountViews.OrganizationView;
import dev.mailroom.server.accounts.Accounts;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Every organization of this Mailroom (platform operator only). */
@RestController
@RequestMapping("/api/v1/organizations")
@ConditionalOnRole(Role.API)
@Tag(name = "Organizations")
class OrganizationsController {
    private final Accounts accounts;

    OrganizationsController(Accounts accounts) {
        this.accounts = accounts;
    }

    @Operation(
            operationId = "listOrganizations",
            summary = "List organizations",
            description = "Every organization of this Mailroom. Platform operator only.")
    @GetMapping
    Map<String, List<OrganizationView>> list() {
        return Map.of("items", accounts.organizations());
    }

    @Operation(
            operationId = "getOrganization",
            summary = "Get an organization",
            description = "One organization. Platform operator only.")
    @GetMapping("/{id}")
    OrganizationView get(@PathVariable String id) {
        return accounts.platformOrganization(id);
    }

    @Operation(
            operationId = "createOrganization",
            summary = "Create an organization and its owner",
            description =
                    "Creates an organization with its first owner (`email`, `displayName`, `password`), who can then sign in and create keys. Platform operator only.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "409", description = "An organization with this id exists")
    @PostMapping
    ResponseEntity<OrganizationView> create(@RequestBody AccountRequests.NewOrganization request) {
        OrganizationView created = accounts.createOrganization(request);
        return ResponseEntity.created(URI.create("/api/v1/organizations/" + created.id()))
                .body(created);
    }
}
