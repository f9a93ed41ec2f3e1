package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.AccountRequests;
import dev.mailroom.server.accounts.AccountViews.MemberView;
import dev.mailroom.server.accounts.Accounts;
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
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The people of the caller's organization and their roles (scope admin). */
@RestController
@RequestMapping("/api/v1/users")
@ConditionalOnRole(Role.API)
@Tag(name = "Users")
class UsersController {
    private final Accounts accounts;

    UsersController(Accounts accounts) {
        this.accounts = accounts;
    }

    @Operation(
            operationId = "listUsers",
            summary = "List the organization's people",
            description = "The organization's people and their roles (`owner`, `admin`, `viewer`). Scope `admin`.")
    @GetMapping
    Map<String, List<MemberView>> list(@AuthenticationPrincipal Caller caller) {
        return Map.of("items", accounts.members(caller));
    }

    @Operation(
            operationId = "addUser",
            summary = "Add a person to the organization",
            description =
                    "Adds a person with a role; `password` for someone Mailroom does not know yet. Only an owner (a person) makes owners. Scope `admin`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "409", description = "The person is in the organization already")
    @PostMapping
    ResponseEntity<MemberView> add(
            @AuthenticationPrincipal Caller caller, @RequestBody AccountRequests.NewMember request) {
        MemberView added = accounts.addMember(caller, request);
        return ResponseEntity.created(URI.create("/api/v1/users/" + added.id())).body(added);
    }

    @Operation(
            operationId = "changeUserRole",
            summary = "Change a person's role",
            description =
                    "Changes a person's role. Only an owner (a person) makes or unmakes owners; the last owner stays. Scope `admin`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "409", description = "The change would leave the organization without an owner")
    @PutMapping("/{userId}")
    MemberView changeRole(
            @AuthenticationPrincipal Caller caller,
            @PathVariable UUID userId,
            @RequestBody AccountRequests.RoleChange change) {
        return accounts.changeRole(caller, userId, change);
    }

    @Operation(
            operationId = "removeUser",
            summary = "Remove a person from the organization",
            description = "Removes a person from the organization; the last owner stays. Scope `admin`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "409", description = "The last owner cannot be removed")
    @DeleteMapping("/{userId}")
    ResponseEntity<Void> remove(@AuthenticationPrincipal Caller caller, @PathVariable UUID userId) {
        accounts.removeMember(caller, userId);
        return ResponseEntity.noContent().build();
    }
}
