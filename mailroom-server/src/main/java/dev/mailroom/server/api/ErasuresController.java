package dev.mailroom.server.api;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.ErasureRequest;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.api.ErasureViews.Erasure;
import dev.mailroom.server.api.ErasureViews.ErasurePage;
import dev.mailroom.server.api.ErasureViews.Requested;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The right to erasure ({@code admin} scope, within the caller's organization): {@code POST /api/v1/recipients/erase}
 * {@code {"email"}} asks for one address's personal data to be erased from the organization's history, and
 * {@code GET /api/v1/erasures/{id}} (and the list, newest first) shows the audit log: who asked, when, when it was
 * done, how many rows of each table changed, and never the address. The API checks the request and publishes it
 * ({@link ErasureRequest}, on the control queue) without writing anything; the operator records and carries it out
 * within seconds, and keeps the address suppressed without keeping it.
 */
@RestController
@ConditionalOnRole(Role.API)
@Tag(name = "Erasures")
class ErasuresController {
    static final String ERASE = "/api/v1/recipients/erase";
    static final String ERASURES = "/api/v1/erasures";
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;
    /** The {@code requested_by} column. */
    private static final int MAX_REQUESTED_BY = 64;

    private final ConfirmedPublisher publisher;
    private final ErasureQueries queries;
    private final Clock clock;

    ErasuresController(ConfirmedPublisher publisher, ErasureQueries queries, Clock clock) {
        this.publisher = publisher;
        this.queries = queries;
        this.clock = clock;
    }

    @Operation(
            operationId = "eraseRecipient",
            summary = "Erase an address's personal data",
            description = "Erases one email address's personal data from the organization's history within seconds: the"
                    + " address and the names given with it wherever they are stored, IP addresses, user"
                    + " agents, links and bounce replies of its activities, the subject and content of emails"
                    + " sent to it alone, its suppression entry, its member's search terms (and the member,"
                    + " unless it has another address), webhook delivery payloads, dead letters. Emails stay"
                    + " counted, at their status, in the organization's figures and the member's statuses."
                    + " The address stays suppressed (kept as a keyed hash, never as itself). Answers 202 with"
                    + " the erasure's id; follow `location` for its state and counts (404 for the moment"
                    + " until the operator has recorded it). Scope `admin`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "503", description = "The broker did not take the request; nothing changed, retry")
    @PostMapping(ERASE)
    ResponseEntity<Requested> erase(
            @AuthenticationPrincipal Caller caller, @RequestBody(required = false) Map<String, Object> body) {
        if (caller.organizationId() == null) {
            // A platform caller acting for no organization: there is no history to erase.
            throw new ResponseStatusException(
                    HttpStatus.FORBIDDEN, "an erasure is made within an organization: act for one first");
        }
        String email = addressOf(body);
        UUID id = UUID.randomUUID();
        publisher.publish(new ErasureRequest(id, caller.organizationId(), email, requestedBy(caller), clock.instant()));
        URI location = URI.create(ERASURES + "/" + id);
        return ResponseEntity.accepted().location(location).body(new Requested(id, "requested", location.toString()));
    }

    @Operation(
            operationId = "getErasure",
            summary = "Get an erasure",
            description =
                    "One erasure of the organization: `state` (`requested`, `done`), who asked and when, when it was"
                            + " done, and rows changed per table. Holds no personal data. Scope `admin`.")
    @GetMapping(ERASURES + "/{id}")
    Erasure get(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return queries.find(caller.organizationId(), id)
                .orElseThrow(() -> new ResponseStatusException(
                        HttpStatus.NOT_FOUND,
                        "no erasure " + id + " in your organization (one just asked for shows once the operator has"
                                + " recorded it, a moment later)"));
    }

    @Operation(
            operationId = "listErasures",
            summary = "List erasures",
            description = "The organization's erasures, newest first; follow `nextCursor`. Scope `admin`.")
    @GetMapping(ERASURES)
    ErasurePage list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        QueryParameters query = new QueryParameters();
        int pageSize = query.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        ErasureCursor after = query.cursor(cursor, ErasureCursor::decode);
        query.validate();
        return queries.list(caller.organizationId(), pageSize, after);
    }

    /** The one address a request names, normalized; 422 naming each field that is wrong or unknown. */
    private static String addressOf(Map<String, Object> body) {
        List<Violation> problems = new ArrayList<>();
        if (body == null) {
            throw new InvalidRequestException(
                    List.of(new Violation("", "the body must be a JSON object {\"email\": \"<the address>\"}")));
        }
        body.keySet().stream()
                .filter(field -> !field.equals("email"))
                .sorted()
                .forEach(field -> problems.add(new Violation(field, "is not a field of an erasure request")));
        Object value = body.get("email");
        if (value == null || (value instanceof String s && s.isBlank())) {
            problems.add(new Violation("email", "is required: the address to erase"));
        } else if (!(value instanceof String)) {
            problems.add(new Violation("email", "must be a string"));
        } else if (!EmailRules.isValidAddress(Address.normalize((String) value))) {
            problems.add(new Violation(
                    "email",
                    "'" + shown((String) value) + "' is not a valid email address (expected local@domain.tld)"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return Address.normalize((String) value);
    }

    /** Who asked, without personal data: a key's prefix, or the person's id (never their email). */
    private static String requestedBy(Caller caller) {
        String who = caller.isPerson() ? "user:" + caller.userId() : caller.name();
        if (who == null || who.isBlank()) {
            who = caller.keyId() == null ? "unknown" : "key:" + caller.keyId();
        }
        return who.length() > MAX_REQUESTED_BY ? who.substring(0, MAX_REQUESTED_BY) : who;
    }

    private static String shown(String text) {
        String shown = text.length() > 100 ? text.substring(0, 100) + "…" : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
