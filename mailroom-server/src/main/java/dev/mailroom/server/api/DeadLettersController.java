package dev.mailroom.server.api;

import dev.mailroom.contracts.DeadLetterAction;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.messaging.ConfirmedPublisher;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Dead-lettered messages (admin key): list the open ones, replay one onto its queue, or discard it.
 * Decisions go through the control queue (not the mailbox, where any application publishes) to
 * the operator, which carries them out.
 */
@RestController
@RequestMapping("/api/v1/dead-letters")
@ConditionalOnRole(Role.API)
@Tag(name = "Dead letters")
class DeadLettersController {
    private final DeadLetterQueries queries;
    private final ConfirmedPublisher publisher;
    private final Clock clock;

    DeadLettersController(DeadLetterQueries queries, ConfirmedPublisher publisher, Clock clock) {
        this.queries = queries;
        this.publisher = publisher;
        this.clock = clock;
    }

    @Operation(
            operationId = "listDeadLetters",
            summary = "List open dead letters",
            description =
                    "Queue messages Mailroom could not process (dead-lettered), newest first, up to `limit`. Platform operator only.")
    @GetMapping
    Map<String, Object> list(@AuthenticationPrincipal Caller caller, @RequestParam(defaultValue = "50") int limit) {
        requirePlatform(caller);
        List<Map<String, Object>> items = queries.open(Math.max(1, Math.min(limit, 500)));
        return Map.of("items", items);
    }

    @Operation(
            operationId = "replayDeadLetter",
            summary = "Replay a dead letter",
            description = "Puts an open dead letter back on the queue it came from. Platform operator only.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "503", description = "The broker did not take the message; retry")
    @PostMapping("/{id}/replay")
    ResponseEntity<Map<String, Object>> replay(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return decide(caller, id, DeadLetterAction.REPLAY);
    }

    @Operation(
            operationId = "discardDeadLetter",
            summary = "Discard a dead letter",
            description = "Drops an open dead letter for good. Platform operator only.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(responseCode = "503", description = "The broker did not take the decision; retry")
    @PostMapping("/{id}/discard")
    ResponseEntity<Map<String, Object>> discard(@AuthenticationPrincipal Caller caller, @PathVariable UUID id) {
        return decide(caller, id, DeadLetterAction.DISCARD);
    }

    private ResponseEntity<Map<String, Object>> decide(Caller caller, UUID id, String action) {
        requirePlatform(caller);
        if (!queries.isOpen(id)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no open dead letter " + id);
        }
        DeadLetterAction decision = new DeadLetterAction(id, action, clock.instant());
        publisher.publish(decision);
        return ResponseEntity.accepted().body(Map.of("id", id, "action", action));
    }

    private static void requirePlatform(Caller caller) {
        // The security chain already refuses other callers; this keeps the rule beside the data it guards.
        if (!caller.platform()) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN, "dead letters are for the platform operator");
        }
    }
}
