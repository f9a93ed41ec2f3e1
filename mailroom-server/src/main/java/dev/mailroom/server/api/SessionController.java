package dev.mailroom.server.api;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.accounts.AccountRequests;
import dev.mailroom.server.accounts.AccountViews.OrganizationView;
import dev.mailroom.server.accounts.AccountViews.SessionView;
import dev.mailroom.server.accounts.Accounts;
import dev.mailroom.server.security.Caller;
import dev.mailroom.server.security.SingleSignOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Who the caller is (a key or a signed-in person), the organization they act for, and how a browser
 * signs in. Sign-in itself is {@code POST /login} (form fields {@code email}, {@code password}) and
 * sign-out {@code POST /logout}, both Spring Security's.
 */
@RestController
@ConditionalOnRole(Role.API)
@Tag(name = "Session")
class SessionController {
    private final Accounts accounts;
    private final ObjectProvider<SingleSignOn> singleSignOn;

    SessionController(Accounts accounts, ObjectProvider<SingleSignOn> singleSignOn) {
        this.accounts = accounts;
        this.singleSignOn = singleSignOn;
    }

    /** Public: what the sign-in page offers. Also sets the CSRF cookie the sign-in form sends back. */
    @Operation(
            operationId = "getSignInOptions",
            summary = "List the ways to sign in",
            description =
                    "How a person signs in to the dashboard: with a password (`POST /login`) and through any single sign-on provider. Public; sets the CSRF cookie.")
    @GetMapping("/api/v1/sign-in-options")
    Map<String, Object> signInOptions(CsrfToken csrf) {
        csrf.getToken();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("password", true);
        options.put(
                "singleSignOn",
                singleSignOn.stream().flatMap(s -> s.providers().stream()).toList());
        return options;
    }

    @Operation(
            operationId = "getSession",
            summary = "Get the caller and their session",
            description =
                    "Who the caller is (an API key or a signed-in person), the organization they act for, the ones they may choose, and their scopes. Any caller.")
    @GetMapping("/api/v1/session")
    SessionView session(@AuthenticationPrincipal Caller caller, CsrfToken csrf) {
        csrf.getToken();
        return accounts.describe(caller);
    }

    /** 204; the next request acts for the organization chosen (GET /api/v1/session shows it). */
    @Operation(
            operationId = "chooseSessionOrganization",
            summary = "Switch the session to another organization",
            description = "Makes the signed-in person act for another of their organizations. A person's session only.")
    @PutMapping("/api/v1/session/organization")
    ResponseEntity<Void> chooseOrganization(
            @AuthenticationPrincipal Caller caller,
            @RequestBody AccountRequests.OrganizationChoice choice,
            HttpServletRequest request) {
        accounts.choose(caller, choice.organizationId(), request.getSession());
        return ResponseEntity.noContent().build();
    }

    @Operation(
            operationId = "changePassword",
            summary = "Change the signed-in person's password",
            description =
                    "Changes the signed-in person's password (`currentPassword`, `newPassword`). A person's session only.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "429", description = "Too many wrong passwords: the sign-in is locked for a while")
    @PutMapping("/api/v1/session/password")
    ResponseEntity<Void> changePassword(
            @AuthenticationPrincipal Caller caller,
            @RequestBody AccountRequests.PasswordChange change,
            HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        accounts.changePassword(caller, change, session == null ? null : session.getId());
        return ResponseEntity.noContent().build();
    }

    @Operation(
            operationId = "getCurrentOrganization",
            summary = "Get the caller's organization",
            description = "The caller's organization: `id`, `name`, `plan`. Any caller.")
    @GetMapping("/api/v1/organization")
    OrganizationView organization(@AuthenticationPrincipal Caller caller) {
        return accounts.organization(caller);
    }
}
